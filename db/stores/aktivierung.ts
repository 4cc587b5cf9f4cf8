// Activations (one Onlinedienst for one Mandant) with their Wartungsmodus and Prozessparameter.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Aktivierung, Database, ProzessparameterTable, WartungsmodusArt } from '../schema';

export type Prozessparameter = Selectable<ProzessparameterTable>;

export async function findAktivierung(db: Kysely<Database>, id: string): Promise<Aktivierung | undefined> {
  return db.selectFrom('aktivierung').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findAktivierungOf(
  db: Kysely<Database>,
  onlinedienstId: string,
  mandantId: string,
): Promise<Aktivierung | undefined> {
  return db
    .selectFrom('aktivierung')
    .selectAll()
    .where('onlinedienst_id', '=', onlinedienstId)
    .where('mandant_id', '=', mandantId)
    .executeTakeFirst();
}

export async function listAktivierungen(db: Kysely<Database>, onlinedienstId: string): Promise<Aktivierung[]> {
  return db
    .selectFrom('aktivierung')
    .selectAll()
    .where('onlinedienst_id', '=', onlinedienstId)
    .orderBy('mandant_id')
    .execute();
}

export interface AktivierungInput {
  id: string;
  onlinedienstId: string;
  mandantId: string;
  organisationseinheitId: string;
  leistungId: string;
}

/** Records the activation (a draft until the lifecycle activates it); a second call updates OE and Leistung. */
export async function saveAktivierung(db: Kysely<Database>, a: AktivierungInput): Promise<Aktivierung> {
  return db
    .insertInto('aktivierung')
    .values({
      id: a.id,
      onlinedienst_id: a.onlinedienstId,
      mandant_id: a.mandantId,
      oe_id: a.organisationseinheitId,
      leistung_id: a.leistungId,
      status: 'entwurf',
      wartungsmodus_text: null,
    })
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet({ oe_id: a.organisationseinheitId, leistung_id: a.leistungId, updated_at: sql`now()` }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Sets Wartungsmodus; returns whether it was on before (switching it off releases held Anträge). */
export async function setWartungsmodus(
  db: Kysely<Database>,
  id: string,
  w: { aktiv: boolean; art: WartungsmodusArt; text: string | null },
): Promise<{ warAktiv: boolean }> {
  const before = await db
    .selectFrom('aktivierung')
    .select('wartungsmodus')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  await db
    .updateTable('aktivierung')
    .set({ wartungsmodus: w.aktiv, wartungsmodus_art: w.art, wartungsmodus_text: w.text, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
  return { warAktiv: before.wartungsmodus };
}

/** The parameters of the activations, by key. */
export async function listProzessparameter(
  db: Kysely<Database>,
  aktivierungIds: string[],
): Promise<Prozessparameter[]> {
  if (aktivierungIds.length === 0) return [];
  return db
    .selectFrom('prozessparameter')
    .selectAll()
    .where('aktivierung_id', 'in', aktivierungIds)
    .orderBy('key')
    .execute();
}

/** A protected value arrives encrypted already; its plain text never reaches the database. */
export type ParameterValue =
  { key: string; protected: false; value: string } | { key: string; protected: true; encrypted: Buffer };

export async function saveProzessparameter(
  db: Kysely<Database>,
  aktivierungId: string,
  parameter: ParameterValue[],
): Promise<void> {
  for (const p of parameter) {
    const values = p.protected
      ? { value: null, value_encrypted: p.encrypted, protected: true }
      : { value: p.value, value_encrypted: null, protected: false };
    await db
      .insertInto('prozessparameter')
      .values({ aktivierung_id: aktivierungId, key: p.key, ...values })
      .onConflict((oc) => oc.columns(['aktivierung_id', 'key']).doUpdateSet({ ...values, updated_at: sql`now()` }))
      .execute();
  }
}
