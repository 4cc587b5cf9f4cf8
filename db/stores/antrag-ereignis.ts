// The Antrag's citizen timeline (antrag_ereignis) and its status columns, as the Antrag's activities write them.
import { sql, type Kysely, type Updateable } from 'kysely';
import type { AntragTable, Database } from '../schema';

export interface EreignisInput {
  vorgangsnummer: string;
  spur: 'technisch' | 'bearbeitung';
  status: string;
  /** Shown to the citizen: never personal data. */
  text: string;
  details?: Record<string, unknown>;
  /** Same key, same entry: retries never duplicate the timeline. */
  key: string;
}

/** Appends a timeline entry once per key. */
export async function appendEreignis(db: Kysely<Database>, input: EreignisInput): Promise<void> {
  await db
    .insertInto('antrag_ereignis')
    .values({
      vorgangsnummer: input.vorgangsnummer,
      spur: input.spur,
      status: input.status,
      text: input.text,
      details: JSON.stringify(input.details ?? {}),
      idempotency_key: input.key,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
}

export async function setAntragStatus(
  db: Kysely<Database>,
  vorgangsnummer: string,
  fields: Pick<Updateable<AntragTable>, 'status' | 'zustell_status' | 'bearbeitung_status'>,
): Promise<void> {
  await db
    .updateTable('antrag')
    .set({ ...fields, updated_at: sql`now()` })
    .where('vorgangsnummer', '=', vorgangsnummer)
    .execute();
}

/** angenommen → eingegangen; the first receipt time stays. Does nothing once the Antrag moved on. */
export async function markAntragEingegangen(
  db: Kysely<Database>,
  vorgangsnummer: string,
  eingegangenAm: Date,
): Promise<void> {
  await db
    .updateTable('antrag')
    .set({
      eingegangen_am: sql`coalesce(eingegangen_am, ${eingegangenAm})`,
      status: 'eingegangen',
      updated_at: sql`now()`,
    })
    .where('vorgangsnummer', '=', vorgangsnummer)
    .where('status', '=', 'angenommen')
    .execute();
}
