// Retention: personal data (form data, applicant, files) is deleted when its period ends; the deletion itself
// is recorded. Payment and audit records keep only what they may (identifiers, hashes, amounts).
import type { ActivityDeps } from '../deps';
import { appendAudit } from '../../db/stores/audit';
import { appendEreignis } from '../../db/stores/antrag-ereignis';
import { deletePersonendaten } from '../../db/stores/loeschung';

export async function personendatenLoeschen(
  deps: ActivityDeps,
  input: { vorgangsnummer: string },
): Promise<{ dateien: number }> {
  const { db } = deps;
  const vn = input.vorgangsnummer;
  const result = await deletePersonendaten(db, vn);
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
