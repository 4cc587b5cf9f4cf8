// What the FIT-Connect callback route needs from the database: the Anträge a callback's submissions belong to, and
// which callbacks were already answered (the service repeats one until it sees a 200).
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema';

/** Vorgangsnummern of the FIT-Connect deliveries with these submission ids (unknown ids are left out). */
export async function vorgaengeDerEinreichungen(db: Kysely<Database>, submissionIds: readonly string[]) {
  if (submissionIds.length === 0) return [];
  const submission = sql<string>`(case when modus = 'fitconnect' then referenz::jsonb ->> 'submissionId' end)`;
  return db
    .selectFrom('zustellung')
    .select(['vorgangsnummer', submission.as('submission_id')])
    .where(submission, 'in', [...submissionIds])
    .execute();
}

export async function callbackBeantwortet(db: Kysely<Database>, id: string): Promise<boolean> {
  const row = await db.selectFrom('fitconnect_callback').select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

/**
 * Remembered only once the news is durable with every workflow it concerns; a second insert keeps the first. A
 * callback older than five minutes is refused anyway, so what is older than ten is no longer needed to spot repeats.
 */
export async function callbackMerken(db: Kysely<Database>, id: string, submissionIds: readonly string[]) {
  await db
    .insertInto('fitconnect_callback')
    .values({ id, submission_ids: JSON.stringify(submissionIds) })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  await db
    .deleteFrom('fitconnect_callback')
    .where('received_at', '<', sql<Date>`now() - interval '10 minutes'`)
    .execute();
}
