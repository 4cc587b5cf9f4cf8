// First schema: Mandanten and their master data, Leistungen, Onlinedienste, activations with Prozessparameter,
// and an append-only audit log. Never edit after landing; add a new migration instead.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mandant')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('impressum', 'text')
    .addColumn('datenschutzerklaerung_url', 'text')
    .addColumn('datenschutzbeauftragte_r', 'jsonb')
    .addColumn('logo_url', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('behoerdenkonto')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('mandant_id', 'text', (c) => c.notNull().references('mandant.id').onDelete('cascade'))
    .addColumn('bezeichnung', 'text', (c) => c.notNull())
    .addColumn('postfach_handle', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('organisationseinheit')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('mandant_id', 'text', (c) => c.notNull().references('mandant.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('behoerdenkonto_id', 'text', (c) => c.references('behoerdenkonto.id').onDelete('set null'))
    .addColumn('email', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('organisationseinheit_mandant_idx').on('organisationseinheit').column('mandant_id').execute();

  await db.schema
    .createTable('leistung')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('beschreibung', 'text')
    .execute();

  await db.schema
    .createTable('leistung_oe')
    .addColumn('leistung_id', 'text', (c) => c.notNull().references('leistung.id').onDelete('cascade'))
    .addColumn('oe_id', 'text', (c) => c.notNull().references('organisationseinheit.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('leistung_oe_pk', ['leistung_id', 'oe_id'])
    .execute();

  await db.schema
    .createTable('onlinedienst')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prozess_name', 'text', (c) => c.notNull())
    .addColumn('prozess_version', 'text', (c) => c.notNull())
    .addColumn('formular_name', 'text', (c) => c.notNull())
    .addColumn('formular_version', 'text', (c) => c.notNull())
    .addColumn('prozesseigner', 'text', (c) => c.notNull())
    .addColumn('features', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('onlinedienst_leistung')
    .addColumn('onlinedienst_id', 'text', (c) => c.notNull().references('onlinedienst.id').onDelete('cascade'))
    .addColumn('leistung_id', 'text', (c) => c.notNull().references('leistung.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('onlinedienst_leistung_pk', ['onlinedienst_id', 'leistung_id'])
    .execute();

  await db.schema
    .createTable('aktivierung')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('onlinedienst_id', 'text', (c) => c.notNull().references('onlinedienst.id'))
    .addColumn('mandant_id', 'text', (c) => c.notNull().references('mandant.id'))
    .addColumn('oe_id', 'text', (c) => c.notNull().references('organisationseinheit.id'))
    .addColumn('leistung_id', 'text', (c) => c.notNull().references('leistung.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('entwurf', 'aktiv', 'deaktiviert')`))
    .addColumn('wartungsmodus', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('wartungsmodus_art', 'text', (c) =>
      c.notNull().defaultTo('refuse').check(sql`wartungsmodus_art in ('refuse', 'hold')`),
    )
    .addColumn('wartungsmodus_text', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('aktivierung_unique', ['onlinedienst_id', 'mandant_id', 'oe_id'])
    .execute();
  await db.schema.createIndex('aktivierung_mandant_idx').on('aktivierung').column('mandant_id').execute();

  await db.schema
    .createTable('prozessparameter')
    .addColumn('aktivierung_id', 'text', (c) => c.notNull().references('aktivierung.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text')
    .addColumn('value_encrypted', 'bytea')
    .addColumn('protected', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('prozessparameter_pk', ['aktivierung_id', 'key'])
    // A protected value must never sit in the plain column.
    .addCheckConstraint(
      'prozessparameter_protected_encrypted',
      sql`(protected and value is null and value_encrypted is not null) or (not protected and value_encrypted is null)`,
    )
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('mandant_id', 'text')
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('idempotency_key', 'text', (c) => c.unique())
    .execute();
  await db.schema.createIndex('audit_log_subject_idx').on('audit_log').columns(['subject_type', 'subject_id']).execute();

  // Outbox of notifications: one row per logical mail, so a retried activity never sends it twice.
  await db.schema
    .createTable('mail_outbox')
    .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('sending', 'sent')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute();

  // Append-only: the database itself refuses to change or remove history.
  await sql`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only (% refused)', tg_op using errcode = 'P0001';
    end $$`.execute(db);
  await sql`
    create trigger audit_log_no_update_delete before update or delete or truncate on audit_log
    for each statement execute function audit_log_append_only()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'audit_log',
    'mail_outbox',
    'prozessparameter',
    'aktivierung',
    'onlinedienst_leistung',
    'onlinedienst',
    'leistung_oe',
    'leistung',
    'organisationseinheit',
    'behoerdenkonto',
    'mandant',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await sql`drop function if exists audit_log_append_only()`.execute(db);
}
