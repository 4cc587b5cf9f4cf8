// The Antrag's activities, closed over their dependencies.
import type { ActivityDeps } from '../deps';
import { required } from '../deps';
import { herzschlagend } from '../heartbeat';
import { antragBeenden, bearbeitungsstand, bescheidZustellen, type BearbeitungInput } from './bearbeitung';
import { antragEingang } from './eingang';
import { ladeKonfiguration, type AktivierungsKonfiguration } from './konfiguration';
import { personendatenLoeschen } from './loeschung';
import { erstattungAnfordern, erstattungErfasst, stornoAnfordern, stornoErfasst } from './erstattung';
import { nachzahlungPruefen } from './nachzahlung';
import { stoerungBehoben, stoerungMelden, type StoerungInput } from './stoerung';
import { stoerungAntraegeZaehlen, stoerungenSignalisieren } from './stoerung-aktion';
import { fitconnectErgebnisAbwarten, fitconnectStatusLesen } from './fitconnect-ergebnis';
import { zahlungAbwarten, zahlungAnlegen, zahlungErinnern } from './zahlung';
import { zustellen } from './zustellung';
import { transferAbholungPruefen, transferErinnern, transferLoeschenErfasst, transferLoeschWarnung } from './abholung';
import { behoerdeErinnern, nachforderungErinnern, nachforderungFristAbgelaufen } from './fristen';

export type { AktivierungsKonfiguration } from './konfiguration';
export type { ZahlungOffen, ZahlungsAbfrageStand, ZahlungsErgebnis, ZahlungsZiel } from './zahlung';
export type { ErstattungsAnlass } from './erstattung';
export type { NachzahlungsStand } from './nachzahlung';
export type { FitConnectErgebnis, FitConnectOffen } from './fitconnect-ergebnis';

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
      nachzahlungPruefen: (input: Parameters<typeof nachzahlungPruefen>[1]) => nachzahlungPruefen(deps, input),
      fitconnectStatusLesen: (input: { vorgangsnummer: string }) => fitconnectStatusLesen(deps, input),
      stornoErfasst: (input: Parameters<typeof stornoErfasst>[1]) => stornoErfasst(deps, input),
      zustellen: (input: Parameters<typeof zustellen>[1]) => zustellen(deps, input),
      // Tells a deletion of fetched data from one of data the authority never fetched (activities/antrag/abholung.ts).
      transferLoeschen: (input: Parameters<typeof transferLoeschenErfasst>[1]) => transferLoeschenErfasst(deps, input),
      transferAbholungPruefen: (input: Parameters<typeof transferAbholungPruefen>[1]) =>
        transferAbholungPruefen(deps, input),
      transferErinnern: (input: Parameters<typeof transferErinnern>[1]) => transferErinnern(deps, input),
      transferLoeschWarnung: (input: Parameters<typeof transferLoeschWarnung>[1]) => transferLoeschWarnung(deps, input),
      nachforderungErinnern: (input: Parameters<typeof nachforderungErinnern>[1]) => nachforderungErinnern(deps, input),
      nachforderungFristAbgelaufen: (input: Parameters<typeof nachforderungFristAbgelaufen>[1]) =>
        nachforderungFristAbgelaufen(deps, input),
      behoerdeErinnern: (input: Parameters<typeof behoerdeErinnern>[1]) => behoerdeErinnern(deps, input),
      bearbeitungsstand: (input: BearbeitungInput) => bearbeitungsstand(deps, input),
      bescheidZustellen: (input: Parameters<typeof bescheidZustellen>[1]) => bescheidZustellen(deps, input),
      antragBeenden: (input: Parameters<typeof antragBeenden>[1]) => antragBeenden(deps, input),
      personendatenLoeschen: (input: { vorgangsnummer: string }) => personendatenLoeschen(deps, input),
      stoerungMelden: (input: StoerungInput) => stoerungMelden(deps, input),
      stoerungBehoben: (input: { vorgangsnummer: string }) => stoerungBehoben(deps, input),
      stoerungAntraegeZaehlen: (input: Parameters<typeof stoerungAntraegeZaehlen>[1]) =>
        stoerungAntraegeZaehlen(deps, input),
      stoerungenSignalisieren: (input: Parameters<typeof stoerungenSignalisieren>[1]) =>
        stoerungenSignalisieren(deps, input),
    }),
    zahlungAbwarten: (input: Parameters<typeof zahlungAbwarten>[1]) => zahlungAbwarten(deps, input),
    fitconnectErgebnisAbwarten: (input: Parameters<typeof fitconnectErgebnisAbwarten>[1]) =>
      fitconnectErgebnisAbwarten(deps, input),
  };
}
