// What people query about Onlinedienst lifecycles, rollout tickets and release campaigns. The workflows own the
// state; these tables are projections their activities keep up to date (idempotently, guarded by a sequence
// number), so list views, inboxes and the campaign at a glance come from SQL. Domain instants are stored as the
// workflows compute them (a test may run a workflow on a scaled clock; `clock` says how).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('lifecycle')
    .addColumn('onlinedienst_id', 'text', (c) => c.primaryKey())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('mandant_id', 'text', (c) => c.notNull())
    .addColumn('prozesseigner', 'text', (c) => c.notNull())
    // Functional mailboxes per role ('prozesseigner', 'mandant-admin:<mandant>', …); never in workflow history.
    .addColumn('kontakte', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('feature_tags', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('mandanten', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('phase_entry', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('recertification', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('gate', 'jsonb')
    .addColumn('release_check_state', 'text')
    .addColumn('clock', 'jsonb', (c) => c.notNull().defaultTo(sql`'{"scale":1,"originReal":0,"originVirtual":0}'::jsonb`))
    .addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('ended_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('lifecycle_phase_idx').on('lifecycle').columns(['phase', 'onlinedienst_id']).execute();

  await db.schema
    .createTable('lifecycle_task')
    .addColumn('onlinedienst_id', 'text', (c) => c.notNull().references('lifecycle.onlinedienst_id').onDelete('cascade'))
    .addColumn('task_id', 'text', (c) => c.notNull())
    .addColumn('entry', 'integer', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('mandant_id', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('blocking', 'boolean', (c) => c.notNull())
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('offen', 'erledigt', 'entfallen')`))
    .addColumn('completed_by', 'text')
    .addColumn('completed_at', 'timestamptz')
    .addColumn('late', 'boolean')
    .addColumn('reminders', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('lifecycle_task_pk', ['onlinedienst_id', 'task_id', 'entry', 'attempt'])
    .execute();
  await db.schema.createIndex('lifecycle_task_inbox_idx').on('lifecycle_task').columns(['status', 'role', 'due_at']).execute();

  await db.schema
    .createTable('rollout_ticket')
    .addColumn('workflow_id', 'text', (c) => c.primaryKey())
    .addColumn('onlinedienst_id', 'text', (c) => c.notNull())
    .addColumn('ticket_id', 'text', (c) => c.notNull())
    .addColumn('mandant_id', 'text', (c) => c.notNull())
    .addColumn('prozess', 'jsonb', (c) => c.notNull())
    .addColumn('formular', 'jsonb', (c) => c.notNull())
    .addColumn('zertifizierungs_referenz', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('assignee', 'text')
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sla_state', 'text', (c) => c.notNull())
    .addColumn('sla_elapsed_ms', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('sla_breach_at', 'timestamptz')
    .addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('rollout_ticket_status_idx').on('rollout_ticket').columns(['status', 'onlinedienst_id']).execute();

  await db.schema
    .createTable('release_campaign')
    .addColumn('version', 'text', (c) => c.primaryKey())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('release_date', 'text', (c) => c.notNull())
    .addColumn('changes', 'jsonb', (c) => c.notNull())
    .addColumn('policy', 'jsonb', (c) => c.notNull())
    .addColumn('clock', 'jsonb', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('planung', 'verteilung', 'laufend', 'abgeschlossen')`))
    .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('signalled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('finished_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('release_recheck')
    .addColumn('version', 'text', (c) => c.notNull().references('release_campaign.version').onDelete('cascade'))
    .addColumn('onlinedienst_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prozesseigner', 'text')
    .addColumn('classification', 'text', (c) =>
      c.notNull().check(sql`classification in ('recertification-required', 'regression-check')`),
    )
    .addColumn('matching_change_ids', 'jsonb', (c) => c.notNull())
    .addColumn('breaking_change_ids', 'jsonb', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('signalled_at', 'timestamptz')
    .addColumn('opened_at', 'timestamptz')
    // Set when the Onlinedienst had left Betrieb by the time the re-check reached it.
    .addColumn('not_applicable', 'text')
    .addColumn('result', 'text', (c) => c.check(sql`result in ('ok', 'finding', 'recertifying', 'recertified')`))
    .addColumn('finding', 'text')
    .addColumn('reported_at', 'timestamptz')
    .addColumn('reported_by', 'text')
    .addColumn('reminders', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_reminder_at', 'timestamptz')
    .addPrimaryKeyConstraint('release_recheck_pk', ['version', 'onlinedienst_id'])
    .execute();
  await db.schema.createIndex('release_recheck_open_idx').on('release_recheck').columns(['version', 'result', 'due_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['release_recheck', 'release_campaign', 'rollout_ticket', 'lifecycle_task', 'lifecycle']) {
    await db.schema.dropTable(table).execute();
  }
}
