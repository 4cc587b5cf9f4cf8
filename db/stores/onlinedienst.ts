// Registers an Onlinedienst before its lifecycle workflow starts: the onlinedienst row (activations reference it)
// and the lifecycle projection row with the role mailboxes, which never travel through workflow history.
import type { Kysely } from 'kysely';
import type { Database } from '../schema';
import type { DomainClock } from '../../domain/clock';

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
