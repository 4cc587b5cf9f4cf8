// Whom a mail about an Antrag reaches at the Mandant: the mailbox of the OE that received it (the one its answer
// names when the process says so, e.g. the chosen school; else the activation's zuständige Stelle), else the
// Mandant's mailbox of the Onlinedienst's lifecycle, else the AWB — a reminder that reaches nobody would be the
// silence these mails exist to end.
import type { ActivityDeps } from '../deps';
import { mustExist } from '../deps';
import { findAntrag } from '../../db/stores/antrag';
import { findAktivierungOeEmail, loadKontakte } from '../../db/stores/kontakte';
import { recipientFor, DEFAULT_AWB_EMAIL } from '../onlinedienst/recipients';
import { findVersion } from '../../db/stores/formular';
import { findOrganisationseinheitOf } from '../../db/stores/organisationseinheit';
import { antwortAn } from '../../domain/formular/prozess-schritte';

export async function antragUndStelle(deps: ActivityDeps, vn: string) {
  const antrag = mustExist(await findAntrag(deps.db, vn), `Antrag ${vn}`);
  const oe = (await empfaengerEmail(deps, antrag)) ?? (await findAktivierungOeEmail(deps.db, antrag.aktivierung_id));
  const kontakte = oe ? {} : await loadKontakte(deps.db, antrag.onlinedienst_id);
  const stelle =
    oe ??
    (await recipientFor(
      deps.db,
      deps.awbEmail,
      antrag.onlinedienst_id,
      kontakte,
      'mandant-admin',
      antrag.mandant_id,
    )) ??
    deps.awbEmail ??
    DEFAULT_AWB_EMAIL;
  return { antrag, stelle };
}

/** The mailbox of the OE the Antrag's answer names as recipient; null when the process names none (or data are gone). */
async function empfaengerEmail(
  deps: ActivityDeps,
  antrag: { onlinedienst_id: string; formular_version: string; mandant_id: string; form_data: unknown },
): Promise<string | null> {
  const feld = (await findVersion(deps.db, antrag.onlinedienst_id, antrag.formular_version))?.definition.prozess
    .empfaenger?.feld;
  if (!feld || !antrag.form_data || typeof antrag.form_data !== 'object') return null;
  const oeId = antwortAn(antrag.form_data as Record<string, unknown>, feld);
  if (typeof oeId !== 'string') return null;
  return (await findOrganisationseinheitOf(deps.db, antrag.mandant_id, oeId))?.email ?? null;
}
