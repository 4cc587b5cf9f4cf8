// The Antrag's files as its activities read and write them: the receipt PDF, the attachments it lists and the
// delivery carries, and the Bescheid's delivery instant. (Storing a file: insertDatei in antrag.ts.)
import { sql, type Kysely, type Selectable } from 'kysely';
import type { AntragDateiTable, Database } from '../schema';

type Datei = Selectable<AntragDateiTable>;

/** The receipt PDF's hash; undefined until the receipt activity stored it. */
export async function findAntragPdfHash(
  db: Kysely<Database>,
  vorgangsnummer: string,
): Promise<{ sha256: string } | undefined> {
  return db
    .selectFrom('antrag_datei')
    .select(['sha256'])
    .where('id', '=', `${vorgangsnummer}:antrag-pdf`)
    .executeTakeFirst();
}

/** The attachments as the receipt PDF lists them, by file name. */
export async function listAnlagen(
  db: Kysely<Database>,
  vorgangsnummer: string,
): Promise<Array<Pick<Datei, 'file_name' | 'size' | 'sha256'>>> {
  return db
    .selectFrom('antrag_datei')
    .select(['file_name', 'size', 'sha256'])
    .where('vorgangsnummer', '=', vorgangsnummer)
    .where('art', '=', 'anlage')
    .orderBy('file_name')
    .execute();
}

/** What the delivery carries: the attachments and the receipt PDF, with their bytes, by id. */
export async function listZustellDateien(db: Kysely<Database>, vorgangsnummer: string): Promise<Datei[]> {
  return db
    .selectFrom('antrag_datei')
    .selectAll()
    .where('vorgangsnummer', '=', vorgangsnummer)
    .where('art', 'in', ['anlage', 'antrag-pdf'])
    .orderBy('id')
    .execute();
}

/** The Bescheid file's metadata (throws when the file does not exist). */
export async function getBescheid(
  db: Kysely<Database>,
  dateiId: string,
): Promise<Pick<Datei, 'metadata' | 'sha256' | 'created_at'>> {
  return db
    .selectFrom('antrag_datei')
    .select(['metadata', 'sha256', 'created_at'])
    .where('id', '=', dateiId)
    .executeTakeFirstOrThrow();
}

/** Records the delivery instant in the file's metadata; the Widerspruch period runs from it. */
export async function markBescheidZugestellt(
  db: Kysely<Database>,
  dateiId: string,
  zugestelltAm: string,
): Promise<void> {
  await db
    .updateTable('antrag_datei')
    .set({ metadata: sql`metadata || ${JSON.stringify({ zugestelltAm })}::jsonb` })
    .where('id', '=', dateiId)
    .execute();
}
