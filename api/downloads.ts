// A stored file as a download: never rendered inline, never sniffed, its name made safe for the header.
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
