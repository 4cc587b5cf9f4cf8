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

export interface NeueAufgabe {
  /** stable id: the same task is opened once, whatever retries the activity makes */
  id: string;
  art: string;
  rolle: string;
  mandantId: string | null;
  betreffTyp: string;
  betreffId: string;
  titel: string;
  beschreibung: string;
  faelligAm?: Date | null;
}

/** Opens a task once per id (a retry finds it and changes nothing). */
export async function insertAufgabe(db: Kysely<Database>, a: NeueAufgabe): Promise<void> {
  await db
    .insertInto('aufgabe')
    .values({
      id: a.id,
      art: a.art,
      rolle: a.rolle,
      mandant_id: a.mandantId,
      betreff_typ: a.betreffTyp,
      betreff_id: a.betreffId,
      titel: a.titel,
      beschreibung: a.beschreibung,
      faellig_am: a.faelligAm ?? null,
      erledigt_von: null,
      erledigt_am: null,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}
