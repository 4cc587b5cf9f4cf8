// Tasks for people that no API can do (e.g. a refund at the Kasse), read for the inbox. The Antrag workflow's payment
// activities open and close them (db/stores/zahlung.ts); no person changes them.
import type { Kysely, Selectable } from 'kysely';
import type { AufgabeTable, Database } from '../schema';

export type AufgabeRow = Selectable<AufgabeTable>;

export interface OffeneAufgabenFilter {
  /** the caller's roles: a task is for everyone holding its role */
  roles: readonly string[];
  /** the caller's Mandanten; undefined for every Mandant. A task without Mandant is every role holder's. */
  mandanten?: readonly string[];
}

/** Open tasks for any of the roles, oldest first. */
export async function listOffeneAufgaben(db: Kysely<Database>, filter: OffeneAufgabenFilter): Promise<AufgabeRow[]> {
  if (filter.roles.length === 0) return [];
  let query = db
    .selectFrom('aufgabe')
    .selectAll()
    .where('status', '=', 'offen')
    .where('rolle', 'in', filter.roles)
    .orderBy('created_at')
    .orderBy('id');
  const own = filter.mandanten;
  if (own) {
    query = query.where((eb) =>
      own.length > 0
        ? eb.or([eb('mandant_id', 'is', null), eb('mandant_id', 'in', own)])
        : eb('mandant_id', 'is', null),
    );
  }
  return query.execute();
}
