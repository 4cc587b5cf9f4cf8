// Whom a mail about an Antrag reaches at the Mandant: the mailbox of the OE its activation delivers to (the
// zuständige Stelle), else the Mandant's mailbox of the Onlinedienst's lifecycle, else the AWB — a reminder that
// reaches nobody would be the silence these mails exist to end.
import type { ActivityDeps } from '../deps';
import { mustExist } from '../deps';
import { findAntrag } from '../../db/stores/antrag';
import { findAktivierungOeEmail, loadKontakte } from '../../db/stores/kontakte';
import { recipientFor, DEFAULT_AWB_EMAIL } from '../onlinedienst/recipients';

export async function antragUndStelle(deps: ActivityDeps, vn: string) {
  const antrag = mustExist(await findAntrag(deps.db, vn), `Antrag ${vn}`);
  const oe = await findAktivierungOeEmail(deps.db, antrag.aktivierung_id);
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
