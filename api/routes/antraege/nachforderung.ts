// A Nachforderung as the process definition of the Antrag's version allows it: refused when the process has
// none, and with the process's default deadline when the authority names none.
import { findVersion } from '../../../db/stores/formular';
import { dauerMs } from '../../../domain/dauer';
import type { ApiDeps } from '../../deps';
import { HttpProblem } from '../../problem';

export async function nachforderungNachProzess(
  deps: ApiDeps,
  antrag: { onlinedienst_id: string; formular_version: string },
  body: { status: 'nachforderung'; text: string; frist?: string },
): Promise<{ status: 'nachforderung'; text: string; frist: string }> {
  const version = await findVersion(deps.db, antrag.onlinedienst_id, antrag.formular_version);
  const nf = version?.definition.prozess.nachforderung;
  if (nf && !nf.erlaubt) {
    throw new HttpProblem(
      409,
      'Nachforderung nicht vorgesehen',
      `Der Prozess des Onlinedienstes ${antrag.onlinedienst_id} (Version ${antrag.formular_version}) sieht keine ` +
        'Nachforderung vor.',
    );
  }
  if (body.frist) return { ...body, frist: body.frist };
  if (!nf?.frist) {
    throw new HttpProblem(400, 'Ungültige Anfrage', 'frist: Pflichtangabe (der Prozess gibt keine Frist vor).', {
      invalidParams: [{ name: 'frist', reason: 'Pflichtangabe: der Prozess gibt keine Frist vor.' }],
    });
  }
  return { ...body, frist: new Date(Date.now() + dauerMs(nf.frist)).toISOString() };
}
