// Anträge as the API reads and stores them: the submission with its attachments, the authority's and the citizen's
// views, files, and which Anträge are still open or held by Wartungsmodus.
import { sql, type Kysely, type Selectable } from 'kysely';
import { FINAL_ANTRAG_STATUSES } from '../../domain/antrag/status';
import type { AntragDateiTable, AntragTable, Antragsteller, Database, DateiArt } from '../schema';

export type Antrag = Selectable<AntragTable>;

export interface NewAntrag {
  vorgangsnummer: string;
  aktivierungId: string;
  onlinedienstId: string;
  mandantId: string;
  formularVersion: string;
  payloadHash: string;
  daten: Record<string, unknown>;
  antragsteller: Antragsteller;
  test: boolean;
}

export interface NewDatei {
  id: string;
  vorgangsnummer: string;
  art: DateiArt;
  fileName: string;
  mediaType: string;
  content: Buffer;
  sha256: string;
  metadata?: Record<string, unknown>;
}

function dateiRow(d: NewDatei) {
  return {
    id: d.id,
    vorgangsnummer: d.vorgangsnummer,
    art: d.art,
    file_name: d.fileName,
    media_type: d.mediaType,
    size: d.content.length,
    sha256: d.sha256,
    content: d.content,
    metadata: JSON.stringify(d.metadata ?? {}),
  };
}

/**
 * Stores a new Antrag with its attachments at once; undefined when the Vorgangsnummer exists already (a retry).
 * Without attachments (the common case) it is one statement, atomic by itself.
 */
export async function insertAntrag(
  db: Kysely<Database>,
  a: NewAntrag,
  anlagen: NewDatei[],
): Promise<{ eingegangenAm: Date } | undefined> {
  const insert = async (trx: Kysely<Database>) => {
    const row = await trx
      .insertInto('antrag')
      .values({
        vorgangsnummer: a.vorgangsnummer,
        aktivierung_id: a.aktivierungId,
        onlinedienst_id: a.onlinedienstId,
        mandant_id: a.mandantId,
        formular_version: a.formularVersion,
        payload_hash: a.payloadHash,
        form_data: JSON.stringify(a.daten),
        antragsteller: JSON.stringify(a.antragsteller),
        test: a.test,
        bearbeitung_status: null,
        eingegangen_am: new Date(),
        personendaten_geloescht_am: null,
      })
      .onConflict((oc) => oc.column('vorgangsnummer').doNothing())
      .returning('eingegangen_am')
      .executeTakeFirst();
    if (!row) return undefined;
    for (const d of anlagen) await trx.insertInto('antrag_datei').values(dateiRow(d)).execute();
    return { eingegangenAm: row.eingegangen_am! };
  };
  return anlagen.length === 0 ? insert(db) : db.transaction().execute(insert);
}

/** What makes a retry recognisable: the hash of the first submission under this Vorgangsnummer. */
export async function findSubmission(
  db: Kysely<Database>,
  vorgangsnummer: string,
): Promise<{ payloadHash: string; eingegangenAm: Date } | undefined> {
  const row = await db
    .selectFrom('antrag')
    .select(['payload_hash', 'eingegangen_am'])
    .where('vorgangsnummer', '=', vorgangsnummer)
    .executeTakeFirst();
  return row && { payloadHash: row.payload_hash, eingegangenAm: row.eingegangen_am! };
}

export async function findAntrag(db: Kysely<Database>, vorgangsnummer: string): Promise<Antrag | undefined> {
  return db.selectFrom('antrag').selectAll().where('vorgangsnummer', '=', vorgangsnummer).executeTakeFirst();
}

export interface AntragFilter {
  mandant?: string;
  /** the caller's Mandanten; undefined for every Mandant */
  mandanten?: string[];
  status?: string;
  limit: number;
}

/** Newest first. */
export async function listAntraege(db: Kysely<Database>, filter: AntragFilter) {
  let query = db
    .selectFrom('antrag')
    .select([
      'vorgangsnummer',
      'aktivierung_id',
      'onlinedienst_id',
      'mandant_id',
      'status',
      'zustell_status',
      'bearbeitung_status',
      'eingegangen_am',
      'test',
    ])
    .orderBy('created_at', 'desc')
    .limit(filter.limit);
  if (filter.mandant) query = query.where('mandant_id', '=', filter.mandant);
  else if (filter.mandanten)
    query = query.where('mandant_id', 'in', filter.mandanten.length ? filter.mandanten : ['-']);
  if (filter.status) query = query.where('status', '=', filter.status);
  return query.execute();
}

/** Every file of the Antrag, without the bytes. */
export async function listDateien(db: Kysely<Database>, vorgangsnummer: string) {
  return db
    .selectFrom('antrag_datei')
    .select(['id', 'art', 'file_name', 'media_type', 'size', 'sha256', 'metadata', 'created_at'])
    .where('vorgangsnummer', '=', vorgangsnummer)
    .orderBy('id')
    .execute();
}

/** The documents a citizen may download (receipt PDF, Bescheid) that retention has not deleted yet. */
export async function listDokumente(db: Kysely<Database>, vorgangsnummer: string) {
  return db
    .selectFrom('antrag_datei')
    .select(['id', 'art', 'file_name', 'metadata'])
    .where('vorgangsnummer', '=', vorgangsnummer)
    .where('art', 'in', ['antrag-pdf', 'bescheid'])
    .where('content', 'is not', null)
    .orderBy('id')
    .execute();
}

/** `id` as the API names a file: without the Vorgangsnummer its stored id starts with. */
export async function findDatei(
  db: Kysely<Database>,
  vorgangsnummer: string,
  id: string,
  arten?: readonly DateiArt[],
): Promise<Selectable<AntragDateiTable> | undefined> {
  let query = db
    .selectFrom('antrag_datei')
    .selectAll()
    .where('vorgangsnummer', '=', vorgangsnummer)
    .where('id', '=', `${vorgangsnummer}:${id}`);
  if (arten) query = query.where('art', 'in', [...arten]);
  return query.executeTakeFirst();
}

/** A file sent later (Bescheid, Nachreichung); the same id twice is stored once. */
export async function insertDatei(db: Kysely<Database>, datei: NewDatei): Promise<void> {
  await db
    .insertInto('antrag_datei')
    .values(dateiRow(datei))
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export async function listEreignisse(db: Kysely<Database>, vorgangsnummer: string) {
  return db
    .selectFrom('antrag_ereignis')
    .select(['at', 'spur', 'status', 'text', 'details'])
    .where('vorgangsnummer', '=', vorgangsnummer)
    .orderBy('id')
    .execute();
}

export async function findZahlung(db: Kysely<Database>, vorgangsnummer: string) {
  return db.selectFrom('zahlung').selectAll().where('vorgangsnummer', '=', vorgangsnummer).executeTakeFirst();
}

export async function findZustellung(db: Kysely<Database>, vorgangsnummer: string) {
  return db.selectFrom('zustellung').selectAll().where('vorgangsnummer', '=', vorgangsnummer).executeTakeFirst();
}

/** Fachverfahren endpoints with how many Anträge wait on each. */
export async function listEndpunkte(db: Kysely<Database>) {
  const columns = [
    'endpunkt_status.endpunkt',
    'endpunkt_status.down_since',
    'endpunkt_status.last_error',
    'endpunkt_status.last_attempt_at',
    'endpunkt_status.last_success_at',
  ] as const;
  return db
    .selectFrom('endpunkt_status')
    .leftJoin('zustellung', (j) =>
      j.onRef('zustellung.endpunkt', '=', 'endpunkt_status.endpunkt').on('zustellung.zugestellt_am', 'is', null),
    )
    .select(columns)
    .select(sql<number>`count(zustellung.vorgangsnummer)::int`.as('wartend'))
    .groupBy(columns)
    .orderBy('endpunkt_status.endpunkt')
    .execute();
}

/** Anträge accepted while the activation was in Wartungsmodus (hold) and not yet processed. */
export async function listHeldAntraege(db: Kysely<Database>, aktivierungId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('antrag')
    .select('vorgangsnummer')
    .where('aktivierung_id', '=', aktivierungId)
    .where('status', '=', 'eingegangen')
    .execute();
  return rows.map((r) => r.vorgangsnummer);
}

/** The Onlinedienst's Anträge that are not finished yet (they run out or are handed over at the shutdown). */
export async function openAntraege(
  db: Kysely<Database>,
  onlinedienstId: string,
): Promise<Array<{ vorgangsnummer: string; mandant_id: string }>> {
  return db
    .selectFrom('antrag')
    .select(['vorgangsnummer', 'mandant_id'])
    .where('onlinedienst_id', '=', onlinedienstId)
    .where('status', 'not in', [...FINAL_ANTRAG_STATUSES])
    .orderBy('vorgangsnummer')
    .execute();
}
