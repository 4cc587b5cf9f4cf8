// Tasks for people that no API can do (e.g. a refund at the Kasse, a Bescheid by post), read for the inbox. The
// Antrag workflow's activities open them; refunds are closed by the workflow when ePayBL shows the money back
// (db/stores/zahlung.ts), a letter by the person who sent it (erledigeAufgabe).
import { sql, type Kysely, type Selectable } from 'kysely';
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
      erledigt_notiz: null,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export async function findAufgabe(db: Kysely<Database>, id: string): Promise<AufgabeRow | undefined> {
  return db.selectFrom('aufgabe').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every task about one subject (an Antrag's, open and done), oldest first. */
export async function listAufgabenZu(db: Kysely<Database>, betreffTyp: string, betreffId: string) {
  return db
    .selectFrom('aufgabe')
    .selectAll()
    .where('betreff_typ', '=', betreffTyp)
    .where('betreff_id', '=', betreffId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/**
 * Closes an open task for a person; `closed` is false when it was done already (a second click, a retry), and the
 * row then keeps who closed it first, when and with which note.
 */
export async function erledigeAufgabe(
  db: Kysely<Database>,
  input: { id: string; von: string; notiz: string | null },
): Promise<{ row: AufgabeRow; closed: boolean }> {
  const updated = await db
    .updateTable('aufgabe')
    .set({ status: 'erledigt', erledigt_von: input.von, erledigt_am: sql`now()`, erledigt_notiz: input.notiz })
    .where('id', '=', input.id)
    .where('status', '=', 'offen')
    .returningAll()
    .executeTakeFirst();
  if (updated) return { row: updated, closed: true };
  const row = await db.selectFrom('aufgabe').selectAll().where('id', '=', input.id).executeTakeFirstOrThrow();
  return { row, closed: false };
}
