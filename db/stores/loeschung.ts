// Retention of an Antrag's personal data: form data, applicant and file contents go; the rows stay with what they
// may keep (identifiers, hashes, amounts). activities/antrag/loeschung.ts records the deletion.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema';

/**
 * Deletes the personal data in one transaction; the first deletion instant stays. Returns the Antrag's Mandant
 * and how many file contents were emptied now (0 on a retry). Throws when the Antrag does not exist.
 */
export async function deletePersonendaten(
  db: Kysely<Database>,
  vorgangsnummer: string,
): Promise<{ mandantId: string; dateien: number }> {
  return db.transaction().execute(async (trx) => {
    const antrag = await trx
      .selectFrom('antrag')
      .select(['mandant_id'])
      .where('vorgangsnummer', '=', vorgangsnummer)
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('antrag')
      .set({
        form_data: sql`null`,
        antragsteller: sql`null`,
        personendaten_geloescht_am: sql`coalesce(personendaten_geloescht_am, now())`,
        updated_at: sql`now()`,
      })
      .where('vorgangsnummer', '=', vorgangsnummer)
      .execute();
    const dateien = await trx
      .updateTable('antrag_datei')
      .set({ content: null })
      .where('vorgangsnummer', '=', vorgangsnummer)
      .where('content', 'is not', null)
      .executeTakeFirst();
    // A "per Post versenden" task names the citizen's address: it goes with the rest.
    await trx
      .updateTable('aufgabe')
      // The closing note is free text a person typed: it may name the citizen too.
      .set({
        beschreibung: 'Die Anschrift wurde mit den personenbezogenen Daten des Antrags gelöscht.',
        erledigt_notiz: null,
      })
      .where('betreff_typ', '=', 'antrag')
      .where('betreff_id', '=', vorgangsnummer)
      .where('art', '=', 'post-versand')
      .execute();
    return { mandantId: antrag.mandant_id, dateien: Number(dateien.numUpdatedRows) };
  });
}
