// What a Mandant maintains about its Organisationseinheiten: the OE with its Kommunikation (e-mail, phone, the
// Behördenkonto as channel), whether it is published, its Zuständigkeiten for Leistungen, and the Mandant's
// Behördenkonten. Every change runs in the transaction that audits it (the caller opens it).
import type { Kysely, Selectable } from 'kysely';
import type { BehoerdenkontoTable, Database, LeistungTable, OrganisationseinheitTable } from '../schema';

export type Organisationseinheit = Selectable<OrganisationseinheitTable>;
export type Behoerdenkonto = Selectable<BehoerdenkontoTable>;
export type Leistung = Selectable<LeistungTable>;

export interface OrganisationseinheitInput {
  name: string;
  email: string | null;
  telefon: string | null;
  veroeffentlicht: boolean;
}

export async function listOrganisationseinheiten(
  db: Kysely<Database>,
  mandantId: string,
): Promise<Organisationseinheit[]> {
  return db
    .selectFrom('organisationseinheit')
    .selectAll()
    .where('mandant_id', '=', mandantId)
    .orderBy('name')
    .execute();
}

/** The OE of this Mandant; another Mandant's OE is not found. */
export async function findOrganisationseinheitOf(
  db: Kysely<Database>,
  mandantId: string,
  id: string,
): Promise<Organisationseinheit | undefined> {
  return db
    .selectFrom('organisationseinheit')
    .selectAll()
    .where('id', '=', id)
    .where('mandant_id', '=', mandantId)
    .executeTakeFirst();
}

/** Inserts a new OE; undefined when the id is taken (by any Mandant: OE ids are global). */
export async function insertOrganisationseinheit(
  db: Kysely<Database>,
  mandantId: string,
  id: string,
  input: OrganisationseinheitInput,
): Promise<Organisationseinheit | undefined> {
  return db
    .insertInto('organisationseinheit')
    .values({ id, mandant_id: mandantId, behoerdenkonto_id: null, ...input })
    .onConflict((oc) => oc.column('id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function updateOrganisationseinheit(
  db: Kysely<Database>,
  mandantId: string,
  id: string,
  input: Partial<OrganisationseinheitInput>,
): Promise<Organisationseinheit | undefined> {
  if (Object.keys(input).length === 0) return findOrganisationseinheitOf(db, mandantId, id);
  return db
    .updateTable('organisationseinheit')
    .set(input)
    .where('id', '=', id)
    .where('mandant_id', '=', mandantId)
    .returningAll()
    .executeTakeFirst();
}

/** Sets (or, with null, clears) the Behördenkonto as the OE's channel. */
export async function setKanal(
  db: Kysely<Database>,
  mandantId: string,
  id: string,
  behoerdenkontoId: string | null,
): Promise<Organisationseinheit | undefined> {
  return db
    .updateTable('organisationseinheit')
    .set({ behoerdenkonto_id: behoerdenkontoId })
    .where('id', '=', id)
    .where('mandant_id', '=', mandantId)
    .returningAll()
    .executeTakeFirst();
}

export async function listBehoerdenkonten(db: Kysely<Database>, mandantId: string): Promise<Behoerdenkonto[]> {
  return db.selectFrom('behoerdenkonto').selectAll().where('mandant_id', '=', mandantId).orderBy('id').execute();
}

export async function findBehoerdenkontoOf(
  db: Kysely<Database>,
  mandantId: string,
  id: string,
): Promise<Behoerdenkonto | undefined> {
  return db
    .selectFrom('behoerdenkonto')
    .selectAll()
    .where('id', '=', id)
    .where('mandant_id', '=', mandantId)
    .executeTakeFirst();
}

/** Registers a Behördenkonto; undefined when the id is taken. */
export async function insertBehoerdenkonto(
  db: Kysely<Database>,
  mandantId: string,
  input: { id: string; bezeichnung: string; postfachHandle: string },
): Promise<Behoerdenkonto | undefined> {
  return db
    .insertInto('behoerdenkonto')
    .values({
      id: input.id,
      mandant_id: mandantId,
      bezeichnung: input.bezeichnung,
      postfach_handle: input.postfachHandle,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function listLeistungen(db: Kysely<Database>): Promise<Leistung[]> {
  return db.selectFrom('leistung').selectAll().orderBy('name').execute();
}

export async function findLeistung(db: Kysely<Database>, id: string): Promise<Leistung | undefined> {
  return db.selectFrom('leistung').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The Zuständigkeiten of the Mandant's OEs: which OE is zuständig for which Leistung. */
export async function listZustaendigkeiten(
  db: Kysely<Database>,
  mandantId: string,
): Promise<Array<{ oe_id: string; leistung_id: string; leistung_name: string }>> {
  return db
    .selectFrom('leistung_oe')
    .innerJoin('organisationseinheit as oe', 'oe.id', 'leistung_oe.oe_id')
    .innerJoin('leistung', 'leistung.id', 'leistung_oe.leistung_id')
    .select(['leistung_oe.oe_id', 'leistung_oe.leistung_id', 'leistung.name as leistung_name'])
    .where('oe.mandant_id', '=', mandantId)
    .orderBy('leistung_oe.oe_id')
    .orderBy('leistung.name')
    .execute();
}

/** Links the Leistung to the OE; false when the link existed already. */
export async function linkLeistung(db: Kysely<Database>, oeId: string, leistungId: string): Promise<boolean> {
  const row = await db
    .insertInto('leistung_oe')
    .values({ oe_id: oeId, leistung_id: leistungId })
    .onConflict((oc) => oc.columns(['leistung_id', 'oe_id']).doNothing())
    .returning('oe_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Removes the link; false when there was none. */
export async function unlinkLeistung(db: Kysely<Database>, oeId: string, leistungId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('leistung_oe')
    .where('oe_id', '=', oeId)
    .where('leistung_id', '=', leistungId)
    .executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/** Where Anträge addressed to this OE by an answer go (null clears); undefined when it is not this Mandant's OE. */
export async function setZustellkanal(
  db: Kysely<Database>,
  mandantId: string,
  id: string,
  kanal: { verzeichnis: string | null; fitconnectDestinationId: string | null },
): Promise<Organisationseinheit | undefined> {
  return db
    .updateTable('organisationseinheit')
    .set({ zustell_verzeichnis: kanal.verzeichnis, fitconnect_destination_id: kanal.fitconnectDestinationId })
    .where('id', '=', id)
    .where('mandant_id', '=', mandantId)
    .returningAll()
    .executeTakeFirst();
}
