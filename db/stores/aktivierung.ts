// Activations (one Onlinedienst for one Mandant) with their Wartungsmodus and Prozessparameter: single ones as the
// API reads and saves them, and all of one Onlinedienst as its lifecycle changes them together (Wartungsmodus and
// status, and at the end the retention of their Prozessparameter; activities/onlinedienst/aktivierung.ts runs these
// in the transaction that audits the change).
import { sql, type Kysely, type Selectable } from 'kysely';
import type {
  Aktivierung,
  AktivierungTable,
  Database,
  ProzessparameterTable,
  Stage,
  WartungsmodusArt,
} from '../schema';

export type Prozessparameter = Selectable<ProzessparameterTable>;

export async function findAktivierung(db: Kysely<Database>, id: string): Promise<Aktivierung | undefined> {
  return db.selectFrom('aktivierung').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A form version on a stage, by number and content hash (the definition itself is read only when needed). */
export interface StageVersion {
  stage: Stage;
  version: string;
  contentHash: string;
}

/**
 * What a submission needs to know before it validates, in one round trip: the activation and, for each of
 * `stages`, the form version there (in the order of `stages`; a stage without one is left out).
 */
export async function findEinreichungsZiel(
  db: Kysely<Database>,
  id: string,
  stages: readonly Stage[],
): Promise<{ aktivierung: Aktivierung; versionen: StageVersion[] } | undefined> {
  const rows = await db
    .selectFrom('aktivierung as a')
    .leftJoin('formular_stage as s', (j) =>
      j.onRef('s.onlinedienst_id', '=', 'a.onlinedienst_id').on('s.stage', 'in', [...stages]),
    )
    .leftJoin('formular_definition as d', (j) =>
      j.onRef('d.onlinedienst_id', '=', 's.onlinedienst_id').onRef('d.version', '=', 's.version'),
    )
    .selectAll('a')
    .select(['s.stage as ziel_stage', 'd.version as ziel_version', 'd.content_hash as ziel_hash'])
    .where('a.id', '=', id)
    .execute();
  if (rows.length === 0) return undefined;
  const { ziel_stage: _s, ziel_version: _v, ziel_hash: _h, ...aktivierung } = rows[0]!;
  const versionen: StageVersion[] = [];
  for (const stage of stages) {
    const hit = rows.find((r) => r.ziel_stage === stage && r.ziel_version !== null && r.ziel_hash !== null);
    if (hit) versionen.push({ stage, version: hit.ziel_version!, contentHash: hit.ziel_hash! });
  }
  return { aktivierung, versionen };
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

/** A Mandant number at ePayBL that an active activation pays to (the one set most recently), for isAlive. */
export async function findEpayblMandantNr(db: Kysely<Database>): Promise<string | undefined> {
  const row = await db
    .selectFrom('prozessparameter as p')
    .innerJoin('aktivierung as a', 'a.id', 'p.aktivierung_id')
    .select('p.value')
    .where('p.key', '=', 'epaybl.mandantNr')
    .where('p.value', 'is not', null)
    .where('a.status', '=', 'aktiv')
    .orderBy('p.updated_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.value ?? undefined;
}
