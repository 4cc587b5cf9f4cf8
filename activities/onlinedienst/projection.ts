// The lifecycle's audit entries and its PostgreSQL projection, written in one transaction per change. Idempotent:
// audit entries are keyed by workflow id + change counter, the projection row only moves forward (seq), task rows
// are inserted once and only ever closed.
import { sql, type Kysely } from 'kysely';
import type { Database, DomainClockJson } from '../../db/schema';
import type { PhaseId, Role } from '../../domain/onlinedienst/phases';
import { appendAudit } from '../../db/stores/audit';

export interface AuditRecord {
  action: string;
  actor: string;
  mandantId?: string | null;
  details: Record<string, unknown>;
}

export interface TaskRow {
  taskId: string;
  templateId: string;
  entry: number;
  attempt: number;
  phase: PhaseId;
  role: Role;
  mandantId?: string;
  title: string;
  blocking: boolean;
  openedAt: number;
  dueAt: number;
}

export interface TaskKey {
  taskId: string;
  entry: number;
  attempt: number;
}

export interface ReleaseCheckRow {
  version: string;
  openedAt?: number;
  notApplicable?: string;
  result?: 'ok' | 'finding' | 'recertifying' | 'recertified';
  finding?: string | null;
  reportedAt?: number;
  reportedBy?: string;
}

export interface LifecycleSnapshot {
  name: string;
  mandantId: string;
  prozesseigner: string;
  phase: PhaseId;
  entry: number;
  recertification: boolean;
  featureTags: string[];
  mandanten: string[];
  gate: Record<string, unknown> | null;
  releaseCheckState: string | null;
  clock: DomainClockJson;
  endedAt: number | null;
}

export interface RecordLifecycleInput {
  workflowId: string;
  onlinedienstId: string;
  seq: number;
  audit: AuditRecord[];
  snapshot: LifecycleSnapshot;
  opened?: TaskRow[];
  completed?: Array<TaskKey & { completedBy: string; completedAt: number; late: boolean }>;
  cancelled?: TaskKey[];
  reminded?: Array<TaskKey & { count: number }>;
  releaseChecks?: ReleaseCheckRow[];
  /** the deployed process and form, once the prototype names them */
  prozess?: { name: string; version: string };
  formular?: { name: string; version: string };
}

export async function recordLifecycle(db: Kysely<Database>, input: RecordLifecycleInput): Promise<void> {
  const s = input.snapshot;
  await db.transaction().execute(async (trx) => {
    for (const [i, entry] of input.audit.entries()) {
      await appendAudit(trx, {
        actor: entry.actor,
        action: entry.action,
        subjectType: 'onlinedienst',
        subjectId: input.onlinedienstId,
        mandantId: entry.mandantId ?? null,
        details: entry.details,
        idempotencyKey: `${input.workflowId}:${input.seq}:${i}`,
      });
    }
    const values = {
      workflow_id: input.workflowId,
      name: s.name,
      mandant_id: s.mandantId,
      prozesseigner: s.prozesseigner,
      phase: s.phase,
      phase_entry: s.entry,
      recertification: s.recertification,
      feature_tags: JSON.stringify(s.featureTags),
      mandanten: JSON.stringify(s.mandanten),
      gate: JSON.stringify(s.gate),
      release_check_state: s.releaseCheckState,
      clock: JSON.stringify(s.clock),
      seq: input.seq,
      ended_at: s.endedAt === null ? null : new Date(s.endedAt),
      updated_at: sql<Date>`now()`,
    };
    await trx
      .insertInto('lifecycle')
      .values({ onlinedienst_id: input.onlinedienstId, ...values })
      .onConflict((oc) => oc.column('onlinedienst_id').doUpdateSet(values).where('lifecycle.seq', '<', input.seq))
      .execute();
    if (input.opened && input.opened.length > 0) {
      await trx
        .insertInto('lifecycle_task')
        .values(
          input.opened.map((t) => ({
            onlinedienst_id: input.onlinedienstId,
            task_id: t.taskId,
            entry: t.entry,
            attempt: t.attempt,
            template_id: t.templateId,
            phase: t.phase,
            role: t.role,
            mandant_id: t.mandantId ?? null,
            title: t.title,
            blocking: t.blocking,
            opened_at: new Date(t.openedAt),
            due_at: new Date(t.dueAt),
            status: 'offen' as const,
            completed_by: null,
            completed_at: null,
            late: null,
          })),
        )
        .onConflict((oc) => oc.columns(['onlinedienst_id', 'task_id', 'entry', 'attempt']).doNothing())
        .execute();
    }
    for (const t of input.completed ?? []) {
      await trx
        .updateTable('lifecycle_task')
        .set({ status: 'erledigt', completed_by: t.completedBy, completed_at: new Date(t.completedAt), late: t.late })
        .where('onlinedienst_id', '=', input.onlinedienstId)
        .where('task_id', '=', t.taskId)
        .where('entry', '=', t.entry)
        .where('attempt', '=', t.attempt)
        .execute();
    }
    for (const t of input.cancelled ?? []) {
      await trx
        .updateTable('lifecycle_task')
        .set({ status: 'entfallen' })
        .where('onlinedienst_id', '=', input.onlinedienstId)
        .where('task_id', '=', t.taskId)
        .where('entry', '=', t.entry)
        .where('attempt', '=', t.attempt)
        .where('status', '=', 'offen')
        .execute();
    }
    for (const t of input.reminded ?? []) {
      await trx
        .updateTable('lifecycle_task')
        .set({ reminders: sql<number>`greatest(reminders, ${t.count})` })
        .where('onlinedienst_id', '=', input.onlinedienstId)
        .where('task_id', '=', t.taskId)
        .where('entry', '=', t.entry)
        .where('attempt', '=', t.attempt)
        .execute();
    }
    for (const r of input.releaseChecks ?? []) {
      await trx
        .updateTable('release_recheck')
        .set({
          ...(r.openedAt !== undefined ? { opened_at: sql<Date>`coalesce(opened_at, ${new Date(r.openedAt)})` } : {}),
          ...(r.notApplicable !== undefined ? { not_applicable: r.notApplicable } : {}),
          ...(r.result !== undefined
            ? {
                result: r.result,
                finding: r.finding ?? sql<string | null>`finding`,
                reported_at: r.reportedAt === undefined ? null : new Date(r.reportedAt),
                reported_by: r.reportedBy ?? null,
              }
            : {}),
        })
        .where('version', '=', r.version)
        .where('onlinedienst_id', '=', input.onlinedienstId)
        .execute();
    }
    if (input.prozess || input.formular) {
      await trx
        .updateTable('onlinedienst')
        .set({
          ...(input.prozess ? { prozess_name: input.prozess.name, prozess_version: input.prozess.version } : {}),
          ...(input.formular ? { formular_name: input.formular.name, formular_version: input.formular.version } : {}),
        })
        .where('id', '=', input.onlinedienstId)
        .execute();
    }
  });
}

export interface ReleaseCheckOpenedInput {
  onlinedienstId: string;
  seq: number;
  version: string;
  task: TaskRow;
  releaseCheckState: string;
}

/**
 * The hot path of a release campaign (one call per Onlinedienst in Betrieb): the opened re-check task, the
 * campaign row and the lifecycle row in one statement, one round trip. Idempotent like recordLifecycle.
 */
export async function recordReleaseCheckOpened(db: Kysely<Database>, input: ReleaseCheckOpenedInput): Promise<void> {
  const t = input.task;
  await sql`
    with task as (
      insert into lifecycle_task (onlinedienst_id, task_id, entry, attempt, template_id, phase, role, mandant_id, title, blocking, opened_at, due_at, status)
      values (${input.onlinedienstId}, ${t.taskId}, ${t.entry}, ${t.attempt}, ${t.templateId}, ${t.phase}, ${t.role}, ${t.mandantId ?? null}, ${t.title},
              ${t.blocking}, ${new Date(t.openedAt)}, ${new Date(t.dueAt)}, 'offen')
      on conflict do nothing
    ), recheck as (
      update release_recheck set opened_at = coalesce(opened_at, ${new Date(t.openedAt)})
      where version = ${input.version} and onlinedienst_id = ${input.onlinedienstId}
    )
    update lifecycle set seq = ${input.seq}, release_check_state = ${input.releaseCheckState}, updated_at = now()
    where onlinedienst_id = ${input.onlinedienstId} and seq < ${input.seq}`.execute(db);
}
