// Onlinedienste and their lifecycle projection: registered before the lifecycle workflow starts (the onlinedienst
// row that activations reference, and the lifecycle row with the role mailboxes, which never travel through
// workflow history), then read for lists and the task inbox.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, LifecycleTable } from '../schema';
import type { DomainClock } from '../../domain/clock';
import type { PhaseId, Role } from '../../domain/onlinedienst/phases';

export type LifecycleRow = Selectable<LifecycleTable>;

export interface OnlinedienstRegistration {
  id: string;
  workflowId: string;
  name: string;
  mandantId: string;
  prozesseigner: string;
  kontakte: Record<string, string>;
  featureTags: string[];
  mandanten: string[];
  phase: 'klaerung' | 'betrieb';
  prozess?: { name: string; version: string };
  formular?: { name: string; version: string };
  clock: DomainClock;
}

/** false: a lifecycle for this Onlinedienst exists already. */
export async function registerOnlinedienst(db: Kysely<Database>, r: OnlinedienstRegistration): Promise<boolean> {
  await db
    .insertInto('onlinedienst')
    .values({
      id: r.id,
      name: r.name,
      // Process and form are named by the prototype; until then they are empty.
      prozess_name: r.prozess?.name ?? '',
      prozess_version: r.prozess?.version ?? '',
      formular_name: r.formular?.name ?? '',
      formular_version: r.formular?.version ?? '',
      prozesseigner: r.prozesseigner,
      features: JSON.stringify(r.featureTags),
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const inserted = await db
    .insertInto('lifecycle')
    .values({
      onlinedienst_id: r.id,
      workflow_id: r.workflowId,
      name: r.name,
      mandant_id: r.mandantId,
      prozesseigner: r.prozesseigner,
      kontakte: JSON.stringify(r.kontakte),
      feature_tags: JSON.stringify(r.featureTags),
      mandanten: JSON.stringify(r.mandanten),
      phase: r.phase,
      clock: JSON.stringify(r.clock),
      seq: 0,
      ended_at: null,
      gate: null,
      release_check_state: null,
    })
    .onConflict((oc) => oc.column('onlinedienst_id').doNothing())
    .returning('onlinedienst_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function findLifecycle(db: Kysely<Database>, onlinedienstId: string): Promise<LifecycleRow | undefined> {
  return db.selectFrom('lifecycle').selectAll().where('onlinedienst_id', '=', onlinedienstId).executeTakeFirst();
}

export async function listLifecycles(db: Kysely<Database>, filter: { phase?: PhaseId }): Promise<LifecycleRow[]> {
  let query = db.selectFrom('lifecycle').selectAll().orderBy('onlinedienst_id');
  if (filter.phase) query = query.where('phase', '=', filter.phase);
  return query.execute();
}

/** Open tasks for any of the roles, earliest deadline first, with what decides who may see them. */
export async function listOpenTasks(db: Kysely<Database>, roles: readonly Role[]) {
  return db
    .selectFrom('lifecycle_task')
    .innerJoin('lifecycle', 'lifecycle.onlinedienst_id', 'lifecycle_task.onlinedienst_id')
    .selectAll('lifecycle_task')
    .select(['lifecycle.name', 'lifecycle.prozesseigner', 'lifecycle.mandant_id as traeger', 'lifecycle.mandanten'])
    .where('lifecycle_task.status', '=', 'offen')
    .where('lifecycle_task.role', 'in', [...roles])
    .orderBy('lifecycle_task.due_at')
    .limit(500)
    .execute();
}

/** Adds (or replaces) one mailbox of the Onlinedienst, e.g. `mandant-admin:leipzig`. */
export async function setKontakt(
  db: Kysely<Database>,
  onlinedienstId: string,
  key: string,
  email: string,
): Promise<void> {
  await db
    .updateTable('lifecycle')
    .set({ kontakte: sql`kontakte || ${JSON.stringify({ [key]: email })}::jsonb` })
    .where('onlinedienst_id', '=', onlinedienstId)
    .execute();
}
