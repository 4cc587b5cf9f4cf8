// Downloads: a stored file, never rendered inline, never sniffed, its name made safe for the header; and CSV.
import type { Kysely } from 'kysely';
import type { Database, DateiArt } from '../db/schema';
import { findDatei } from '../db/stores/antrag';
import { HttpProblem } from './problem';

export async function downloadDatei(
  db: Kysely<Database>,
  vorgangsnummer: string,
  id: string,
  arten?: readonly DateiArt[],
): Promise<Response> {
  const row = await findDatei(db, vorgangsnummer, id, arten);
  if (!row) throw new HttpProblem(404, 'Nicht gefunden', `File ${id} not found`);
  if (!row.content) throw new HttpProblem(404, 'Nicht gefunden', `File ${id} was deleted after the retention period`);
  return new Response(new Uint8Array(row.content), {
    headers: {
      'content-type': row.media_type,
      'content-disposition': `attachment; filename="${row.file_name.replace(/[^\w.\- ]/g, '_')}"`,
      'x-content-type-options': 'nosniff',
    },
  });
}

/** The byte order mark German Excel needs to read a CSV file as UTF-8 (else umlauts come out garbled). */
export const UTF8_BOM = '\uFEFF';

/** A CSV text as a download: UTF-8 with BOM, every CSV the service hands out (API and UI). */
export function csvDownload(fileName: string, csv: string): Response {
  return new Response(`${UTF8_BOM}${csv}`, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${fileName.replace(/[^\w.\- ]/g, '_')}"`,
      'x-content-type-options': 'nosniff',
    },
  });
}
