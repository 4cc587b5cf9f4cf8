// The lifecycle's PostgreSQL projection as its activity writes it (activities/onlinedienst/projection.ts, inside the
// transaction that also writes the audit entries): the lifecycle row, which only moves forward (seq), task rows,
// inserted once and only ever closed, the re-check rows of release campaigns, and the deployed process and form.
import { sql, type Kysely } from 'kysely';
import type { Database, DomainClockJson } from '../schema';
import type { PhaseId, Role } from '../../domain/onlinedienst/phases';

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

/** Writes the snapshot unless the row already holds this change or a later one (seq). */
export async function upsertLifecycle(
  db: Kysely<Database>,
  l: { onlinedienstId: string; workflowId: string; seq: number; snapshot: LifecycleSnapshot },
): Promise<void> {
  const s = l.snapshot;
  const values = {
    workflow_id: l.workflowId,
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
    seq: l.seq,
    ended_at: s.endedAt === null ? null : new Date(s.endedAt),
    updated_at: sql<Date>`now()`,
  };
  await db
    .insertInto('lifecycle')
    .values({ onlinedienst_id: l.onlinedienstId, ...values })
    .onConflict((oc) => oc.column('onlinedienst_id').doUpdateSet(values).where('lifecycle.seq', '<', l.seq))
    .execute();
}

/** Opened tasks, each once (a replayed change inserts nothing). */
export async function insertLifecycleTasks(
  db: Kysely<Database>,
  onlinedienstId: string,
  tasks: readonly TaskRow[],
): Promise<void> {
  if (tasks.length === 0) return;
  await db
    .insertInto('lifecycle_task')
    .values(
      tasks.map((t) => ({
        onlinedienst_id: onlinedienstId,
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

export async function completeLifecycleTask(
  db: Kysely<Database>,
  onlinedienstId: string,
  t: TaskKey & { completedBy: string; completedAt: number; late: boolean },
): Promise<void> {
  await db
    .updateTable('lifecycle_task')
    .set({ status: 'erledigt', completed_by: t.completedBy, completed_at: new Date(t.completedAt), late: t.late })
    .where('onlinedienst_id', '=', onlinedienstId)
    .where('task_id', '=', t.taskId)
    .where('entry', '=', t.entry)
    .where('attempt', '=', t.attempt)
    .execute();
}

/** Only an open task can be dropped. */
export async function cancelLifecycleTask(db: Kysely<Database>, onlinedienstId: string, t: TaskKey): Promise<void> {
  await db
    .updateTable('lifecycle_task')
    .set({ status: 'entfallen' })
    .where('onlinedienst_id', '=', onlinedienstId)
    .where('task_id', '=', t.taskId)
    .where('entry', '=', t.entry)
    .where('attempt', '=', t.attempt)
    .where('status', '=', 'offen')
    .execute();
}

/** The reminder count never goes back. */
export async function setLifecycleTaskReminders(
  db: Kysely<Database>,
  onlinedienstId: string,
  t: TaskKey & { count: number },
): Promise<void> {
  await db
    .updateTable('lifecycle_task')
    .set({ reminders: sql<number>`greatest(reminders, ${t.count})` })
    .where('onlinedienst_id', '=', onlinedienstId)
    .where('task_id', '=', t.taskId)
    .where('entry', '=', t.entry)
    .where('attempt', '=', t.attempt)
    .execute();
}

/** What the lifecycle learnt about its re-check of a release; the first opening instant stays. */
export async function updateReleaseRecheck(
  db: Kysely<Database>,
  onlinedienstId: string,
  r: ReleaseCheckRow,
): Promise<void> {
  await db
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
    .where('onlinedienst_id', '=', onlinedienstId)
    .execute();
}

/** The deployed process and form, once the prototype names them. */
export async function setOnlinedienstDeployment(
  db: Kysely<Database>,
  onlinedienstId: string,
  d: { prozess?: { name: string; version: string }; formular?: { name: string; version: string } },
): Promise<void> {
  await db
    .updateTable('onlinedienst')
    .set({
      ...(d.prozess ? { prozess_name: d.prozess.name, prozess_version: d.prozess.version } : {}),
      ...(d.formular ? { formular_name: d.formular.name, formular_version: d.formular.version } : {}),
    })
    .where('id', '=', onlinedienstId)
    .execute();
}

/**
 * The hot path of a release campaign (one call per Onlinedienst in Betrieb): the opened re-check task, the
 * campaign row and the lifecycle row in one statement, one round trip. Idempotent like the projection: the task
 * is inserted once, the opening instant stays, the lifecycle row only moves forward (seq).
 */
export async function saveReleaseCheckOpened(
  db: Kysely<Database>,
  o: { onlinedienstId: string; seq: number; version: string; task: TaskRow; releaseCheckState: string },
): Promise<void> {
  const t = o.task;
  await sql`
    with task as (
      insert into lifecycle_task (onlinedienst_id, task_id, entry, attempt, template_id, phase, role, mandant_id, title, blocking, opened_at, due_at, status)
      values (${o.onlinedienstId}, ${t.taskId}, ${t.entry}, ${t.attempt}, ${t.templateId}, ${t.phase}, ${t.role}, ${t.mandantId ?? null}, ${t.title},
              ${t.blocking}, ${new Date(t.openedAt)}, ${new Date(t.dueAt)}, 'offen')
      on conflict do nothing
    ), recheck as (
      update release_recheck set opened_at = coalesce(opened_at, ${new Date(t.openedAt)})
      where version = ${o.version} and onlinedienst_id = ${o.onlinedienstId}
    )
    update lifecycle set seq = ${o.seq}, release_check_state = ${o.releaseCheckState}, updated_at = now()
    where onlinedienst_id = ${o.onlinedienstId} and seq < ${o.seq}`.execute(db);
}
