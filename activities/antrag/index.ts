// The Antrag's activities, closed over their dependencies.
import type { ActivityDeps } from '../deps';
import { required } from '../deps';
import { herzschlagend } from '../heartbeat';
import { antragBeenden, bearbeitungsstand, bescheidZustellen, type BearbeitungInput } from './bearbeitung';
import { antragEingang } from './eingang';
import { ladeKonfiguration, type AktivierungsKonfiguration } from './konfiguration';
import { personendatenLoeschen } from './loeschung';
import { erstattungAnfordern, erstattungErfasst, stornoAnfordern, stornoErfasst } from './erstattung';
import { fitconnectErgebnisAbwarten } from './fitconnect-ergebnis';
import { zahlungAbwarten, zahlungAnlegen, zahlungErinnern } from './zahlung';
import { transferLoeschen, zustellen } from './zustellung';

export type { AktivierungsKonfiguration } from './konfiguration';
export type { ZahlungsErgebnis, ZahlungsZiel } from './zahlung';
export type { ErstattungsAnlass } from './erstattung';
export type { FitConnectErgebnis } from './fitconnect-ergebnis';

export function createAntragActivities(deps: ActivityDeps) {
  // zahlungAbwarten and fitconnectErgebnisAbwarten beat on their own (their progress rides in the details).
  return {
    ...herzschlagend({
      antragEingang: (input: { vorgangsnummer: string; eingegangenAm: string }) => antragEingang(deps, input),
      wartungsmodus: async (input: { aktivierungId: string }): Promise<AktivierungsKonfiguration['wartung']> =>
        (await ladeKonfiguration(deps.db, required(deps, 'parameterKey'), input.aktivierungId)).wartung,
      zahlungAnlegen: (input: Parameters<typeof zahlungAnlegen>[1]) => zahlungAnlegen(deps, input),
      zahlungErinnern: (input: Parameters<typeof zahlungErinnern>[1]) => zahlungErinnern(deps, input),
      stornoAnfordern: (input: Parameters<typeof stornoAnfordern>[1]) => stornoAnfordern(deps, input),
      erstattungAnfordern: (input: Parameters<typeof erstattungAnfordern>[1]) => erstattungAnfordern(deps, input),
      erstattungErfasst: (input: Parameters<typeof erstattungErfasst>[1]) => erstattungErfasst(deps, input),
      stornoErfasst: (input: Parameters<typeof stornoErfasst>[1]) => stornoErfasst(deps, input),
      zustellen: (input: Parameters<typeof zustellen>[1]) => zustellen(deps, input),
      transferLoeschen: (input: Parameters<typeof transferLoeschen>[1]) => transferLoeschen(deps, input),
      bearbeitungsstand: (input: BearbeitungInput) => bearbeitungsstand(deps, input),
      bescheidZustellen: (input: Parameters<typeof bescheidZustellen>[1]) => bescheidZustellen(deps, input),
      antragBeenden: (input: Parameters<typeof antragBeenden>[1]) => antragBeenden(deps, input),
      personendatenLoeschen: (input: { vorgangsnummer: string }) => personendatenLoeschen(deps, input),
    }),
    zahlungAbwarten: (input: Parameters<typeof zahlungAbwarten>[1]) => zahlungAbwarten(deps, input),
    fitconnectErgebnisAbwarten: (input: Parameters<typeof fitconnectErgebnisAbwarten>[1]) =>
      fitconnectErgebnisAbwarten(deps, input),
  };
}
