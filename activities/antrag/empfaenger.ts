// The receiving authority of one Antrag when its process takes it from an answer (the Schulanmeldung's chosen
// school): the Organisationseinheit of the Antrag's Mandant with that id, and its own channel. Anything missing is
// a final failure of the receipt, so the Antrag waits on a Störung for its Mandant instead of retrying for ever.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { findOrganisationseinheitOf } from '../../db/stores/organisationseinheit';
import type { ZustellModus } from '../../domain/formular/prozess-schritte';

/** Its name is the failure type the workflow sees (domain/antrag/stoerung.ts: fixed by the Mandant). */
export class EmpfaengerFehler extends Error {
  constructor(
    readonly aktivierungId: string,
    message: string,
  ) {
    super(message);
    this.name = 'EmpfaengerFehler';
  }
}

export interface Empfaenger {
  oeId: string;
  verzeichnis?: string;
  fitconnectDestinationId?: string;
}

export async function empfaengerAusAntwort(
  db: Kysely<Database>,
  a: { aktivierungId: string; mandantId: string; oeId: string; modus: ZustellModus },
): Promise<Empfaenger> {
  const oe = await findOrganisationseinheitOf(db, a.mandantId, a.oeId);
  if (!oe) {
    throw new EmpfaengerFehler(
      a.aktivierungId,
      `Die gewählte Stelle „${a.oeId}“ ist keine Organisationseinheit des Mandanten ${a.mandantId}.`,
    );
  }
  if (a.modus === 'fitconnect') {
    if (!oe.fitconnect_destination_id) {
      throw new EmpfaengerFehler(a.aktivierungId, `${oe.name} (${oe.id}) hat keinen FIT-Connect-Zustellpunkt.`);
    }
    return { oeId: oe.id, fitconnectDestinationId: oe.fitconnect_destination_id };
  }
  if (!oe.zustell_verzeichnis) {
    throw new EmpfaengerFehler(a.aktivierungId, `${oe.name} (${oe.id}) hat kein Transferverzeichnis.`);
  }
  return { oeId: oe.id, verzeichnis: oe.zustell_verzeichnis };
}
