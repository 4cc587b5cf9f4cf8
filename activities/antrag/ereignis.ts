import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';

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

export async function ereignis(db: Kysely<Database>, input: EreignisInput): Promise<void> {
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
  fields: { status?: string; zustell_status?: string; bearbeitung_status?: string },
): Promise<void> {
  await db.updateTable('antrag').set({ ...fields, updated_at: sql`now()` }).where('vorgangsnummer', '=', vorgangsnummer).execute();
}
