// Retention: personal data (form data, applicant, files) is deleted when its period ends; the deletion itself
// is recorded. Payment and audit records keep only what they may (identifiers, hashes, amounts).
import { sql } from 'kysely';
import type { ActivityDeps } from '../deps';
import { appendAudit } from '../../db/stores/audit';
import { appendEreignis } from '../../db/stores/antrag-ereignis';

export async function personendatenLoeschen(
  deps: ActivityDeps,
  input: { vorgangsnummer: string },
): Promise<{ dateien: number }> {
  const { db } = deps;
  const vn = input.vorgangsnummer;
  const result = await db.transaction().execute(async (trx) => {
    const antrag = await trx
      .selectFrom('antrag')
      .select(['mandant_id'])
      .where('vorgangsnummer', '=', vn)
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('antrag')
      .set({
        form_data: sql`null`,
        antragsteller: sql`null`,
        personendaten_geloescht_am: sql`coalesce(personendaten_geloescht_am, now())`,
        updated_at: sql`now()`,
      })
      .where('vorgangsnummer', '=', vn)
      .execute();
    const dateien = await trx
      .updateTable('antrag_datei')
      .set({ content: null })
      .where('vorgangsnummer', '=', vn)
      .where('content', 'is not', null)
      .executeTakeFirst();
    return { mandantId: antrag.mandant_id, dateien: Number(dateien.numUpdatedRows) };
  });
  await appendAudit(db, {
    actor: 'system',
    action: 'antrag.personendaten-geloescht',
    subjectType: 'antrag',
    subjectId: vn,
    mandantId: result.mandantId,
    details: { dateienGeleert: result.dateien },
    idempotencyKey: `${vn}:personendaten-geloescht`,
  });
  await appendEreignis(db, {
    vorgangsnummer: vn,
    spur: 'technisch',
    status: 'daten-geloescht',
    key: `${vn}:daten-geloescht`,
    text: 'Die personenbezogenen Daten wurden fristgerecht gelöscht.',
  });
  return { dateien: result.dateien };
}
