// Money arriving after the fee is booked — a citizen paying twice, a late bank transfer — must go back as well.
// Nothing long-running watches for it: at a few points after the booking (`frist.nachzahlungPruefen`, the gap
// doubling up to 30 days, until the retention ends, and once more then) a short activity reads the Kassenzeichen;
// money beyond the fee that no open refund covers opens a refund task (anlass `nachzahlung`), watched until ePayBL
// shows it back. A few timers and short activities in history, no worker slot held between the looks. Histories
// recorded before this existed took none of these steps: the patch keeps them replaying.
import { condition, patched } from '@temporalio/workflow';
import type { AktivierungsKonfiguration } from '../../activities/antrag';
import { dauerMs } from '../../domain/dauer';
import type { AntragSicht } from '../../messages/antrag';
import { kurz } from './activities';
import { erstatten, type Erstattung } from './erstattung';

export const GELD_NACH_PATCH = 'geld-nach-beobachten';

/** The first look comes `frist.nachzahlungPruefen` after the booking; later ones at most this far apart. */
const LAENGSTER_ABSTAND = '30d';

export interface NachzahlungsBeobachtung {
  /** Stops looking; `letzterBlick`: one last look first (the retention ends). Refunds it opened go on. */
  beenden(letzterBlick: boolean): Promise<void>;
  /** Until every refund it opened is back (or its watch gave up, leaving the task to the person). */
  erstattungen(): Promise<void>;
}

export interface NachzahlungsQuelle {
  vorgangsnummer: string;
  mandantNr: string;
  kassenzeichen: string;
  k: AktivierungsKonfiguration;
  sicht: AntragSicht;
  /** The refund of `betragCent` beyond the fee, the `nummer`-th of this Antrag. */
  erstattung: (betragCent: number, nummer: number) => Erstattung;
  /** An overpayment already on its way back when the fee was booked: its money is covered, not opened twice. */
  offen?: { betragCent: number; zurueck: Promise<boolean> };
}

export function nachzahlungBeobachten(q: NachzahlungsQuelle): NachzahlungsBeobachtung | undefined {
  if (!patched(GELD_NACH_PATCH)) return undefined;
  const view = { beobachtet: true, geprueft: 0, erstattungen: 0 };
  if (q.sicht.zahlung) q.sicht.zahlung.nachzahlung = view;
  let ende = false;
  let letzterBlick = false;
  // Money beyond the fee that an open refund task already names. Every such refund is back once nothing is
  // overpaid any more, so they all come off together.
  let gedecktCent = 0;
  const rueckzahlungen: Promise<unknown>[] = [];
  const decken = (betragCent: number, zurueck: Promise<boolean>) => {
    gedecktCent += betragCent;
    rueckzahlungen.push(zurueck.then((ja) => void (ja && (gedecktCent -= betragCent))));
  };
  if (q.offen) decken(q.offen.betragCent, q.offen.zurueck);

  const blick = async () => {
    const stand = await kurz.nachzahlungPruefen({
      vorgangsnummer: q.vorgangsnummer,
      mandantNr: q.mandantNr,
      kassenzeichen: q.kassenzeichen,
    });
    view.geprueft++;
    if (!stand.gelesen || stand.saldoCent === undefined) return;
    const neuCent = -stand.saldoCent - gedecktCent;
    if (neuCent <= 0) return;
    view.erstattungen++;
    decken(neuCent, erstatten(q.erstattung(neuCent, view.erstattungen), q.sicht));
  };

  let abstand = dauerMs(q.k.fristen.nachzahlungPruefen ?? '1d');
  const laengster = Math.max(abstand, dauerMs(LAENGSTER_ABSTAND));
  const schleife = (async () => {
    for (;;) {
      await condition(() => ende, abstand);
      if (ende) break;
      await blick();
      abstand = Math.min(abstand * 2, laengster);
    }
    if (letzterBlick) await blick();
    view.beobachtet = false;
  })();

  return {
    async beenden(zuletzt) {
      letzterBlick = zuletzt;
      ende = true;
      await schleife;
    },
    async erstattungen() {
      // A refund opened while waiting here is waited for as well.
      let n: number;
      do {
        n = rueckzahlungen.length;
        await Promise.all(rueckzahlungen);
      } while (n < rueckzahlungen.length);
    },
  };
}
