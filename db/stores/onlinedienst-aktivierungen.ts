// The activations of one Onlinedienst as its lifecycle changes them together: Wartungsmodus and status (one
// Mandant's or all), and at the end the retention of their Prozessparameter. activities/onlinedienst/aktivierung.ts
// runs these in the transaction that audits the change.
import { sql, type Kysely } from 'kysely';
import type { AktivierungTable, Database } from '../schema';

/** Which activations are in Wartungsmodus before a change (switching it off releases their held Anträge). */
export async function listWartungsmodus(
  db: Kysely<Database>,
  onlinedienstId: string,
): Promise<Array<{ id: string; wartungsmodus: boolean; mandant_id: string }>> {
  return db
    .selectFrom('aktivierung')
    .select(['id', 'wartungsmodus', 'mandant_id'])
    .where('onlinedienst_id', '=', onlinedienstId)
    .execute();
}

export interface AktivierungChange {
  wartungsmodus?: boolean;
  wartungsmodusText?: string | null;
  status?: AktivierungTable['status'];
}

/** Changes one Mandant's activation or, with '*', all of the Onlinedienst's; returns how many rows changed. */
export async function updateAktivierungen(
  db: Kysely<Database>,
  onlinedienstId: string,
  mandantId: string | '*',
  change: AktivierungChange,
): Promise<number> {
  let query = db
    .updateTable('aktivierung')
    .set({
      ...(change.wartungsmodus !== undefined ? { wartungsmodus: change.wartungsmodus } : {}),
      ...(change.wartungsmodusText !== undefined ? { wartungsmodus_text: change.wartungsmodusText } : {}),
      ...(change.status !== undefined ? { status: change.status } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('onlinedienst_id', '=', onlinedienstId);
  if (mandantId !== '*') query = query.where('mandant_id', '=', mandantId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function listAktivierungIds(db: Kysely<Database>, onlinedienstId: string): Promise<string[]> {
  const rows = await db.selectFrom('aktivierung').select('id').where('onlinedienst_id', '=', onlinedienstId).execute();
  return rows.map((r) => r.id);
}

/** Deletes the activations' Prozessparameter, protected and plain; returns how many. */
export async function deleteProzessparameter(db: Kysely<Database>, aktivierungIds: string[]): Promise<number> {
  if (aktivierungIds.length === 0) return 0;
  const deleted = await db
    .deleteFrom('prozessparameter')
    .where('aktivierung_id', 'in', aktivierungIds)
    .executeTakeFirst();
  return Number(deleted.numDeletedRows);
}

/** The activations stay as deactivated records, in Wartungsmodus; returns how many were still active. */
export async function deactivateAktivierungen(db: Kysely<Database>, onlinedienstId: string): Promise<number> {
  const deactivated = await db
    .updateTable('aktivierung')
    .set({ status: 'deaktiviert', wartungsmodus: true, updated_at: sql<Date>`now()` })
    .where('onlinedienst_id', '=', onlinedienstId)
    .where('status', '!=', 'deaktiviert')
    .executeTakeFirst();
  return Number(deactivated.numUpdatedRows);
}
