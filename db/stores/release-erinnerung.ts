// The late re-checks of a release campaign as the AWB's bulk reminder pages through them: applicable, without a
// result, past their deadline at the action's Stichtag, in Onlinedienst order, with the Prozesseigner mailbox.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema';

const late = (db: Kysely<Database>, version: string, stichtag: number) =>
  db
    .selectFrom('release_recheck')
    .where('release_recheck.version', '=', version)
    .where('release_recheck.not_applicable', 'is', null)
    .where('release_recheck.result', 'is', null)
    .where('release_recheck.due_at', '<=', new Date(stichtag));

export async function countUeberfaelligeRechecks(
  db: Kysely<Database>,
  version: string,
  stichtag: number,
): Promise<number> {
  const row = await late(db, version, stichtag)
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

/** One page of late re-checks after `nach` (an Onlinedienst id). */
export async function listUeberfaelligeRechecks(
  db: Kysely<Database>,
  version: string,
  page: { stichtag: number; nach?: string; limit: number },
) {
  let query = late(db, version, page.stichtag)
    .leftJoin('lifecycle', 'lifecycle.onlinedienst_id', 'release_recheck.onlinedienst_id')
    .select([
      'release_recheck.onlinedienst_id as id',
      'release_recheck.name',
      'release_recheck.classification',
      'release_recheck.due_at',
      sql<string | null>`lifecycle.kontakte->>'prozesseigner'`.as('email'),
    ]);
  if (page.nach !== undefined) query = query.where('release_recheck.onlinedienst_id', '>', page.nach);
  return query.orderBy('release_recheck.onlinedienst_id').limit(page.limit).execute();
}

/** The campaign row, or undefined when the version has none. */
export async function getCampaignRow(db: Kysely<Database>, version: string) {
  return db.selectFrom('release_campaign').selectAll().where('version', '=', version).executeTakeFirst();
}
