// Money that must go back (a partial payment on an Antrag that ends unpaid, money on a claim cancelled afterwards,
// an overpayment): a task for a person, then ePayBL watched until the money is back. Histories recorded before this
// existed took none of these steps: the patch keeps them replaying.
import { patched } from '@temporalio/workflow';
import type { ErstattungsAnlass } from '../../activities/antrag';
import type { AntragSicht } from '../../messages/antrag';
import { kurz } from './activities';
import { zahlungAbwarten } from './zahlung';

export const GELD_ZURUECK_PATCH = 'geld-zurueck';

export interface Erstattung {
  vorgangsnummer: string;
  mandantNr: string;
  kassenzeichen: string;
  anlass: ErstattungsAnlass;
  betragCent: number;
  /** the case of its cause (money after the booking may come more than once); absent: the only one */
  nummer?: number;
  /** How long to watch for the money (then the task stays open for the person). */
  bis: number;
  abfrageMs: number;
  /** STOERUNG_AFTER, for the watch's read failures */
  stoerungNach?: string;
  /** WARTE_FENSTER, for the watch's looks */
  warteFenster?: string;
}

/** Whether money must go back here; false for histories from before refunds were watched. */
export function erstattungNoetig(betragCent: number | undefined): betragCent is number {
  return betragCent !== undefined && betragCent > 0 && patched(GELD_ZURUECK_PATCH);
}

/** Opens the refund task and waits until ePayBL shows the money back (true) or the watch ends; the view follows. */
export async function erstatten(e: Erstattung, sicht: AntragSicht): Promise<boolean> {
  const view = { anlass: e.anlass, betragCent: e.betragCent, erstattet: false };
  if (sicht.zahlung) sicht.zahlung.erstattung = view;
  const fall = e.nummer ? { nummer: e.nummer } : {};
  await kurz.erstattungAnfordern({
    vorgangsnummer: e.vorgangsnummer,
    anlass: e.anlass,
    betragCent: e.betragCent,
    ...fall,
  });
  // Money beyond a booked fee is back when nothing is overpaid any more; other refunds when the claim is cancelled.
  const ziel = e.anlass === 'ueberzahlung' || e.anlass === 'nachzahlung' ? 'ausgeglichen' : 'erstattet';
  const stand = await zahlungAbwarten(
    e.vorgangsnummer,
    e.mandantNr,
    e.kassenzeichen,
    e.bis,
    e.abfrageMs,
    ziel,
    () => false,
    () => false,
    e.stoerungNach,
    e.warteFenster,
  );
  if (stand.ergebnis !== ziel) return false; // not back in time: the task stays open for the person
  await kurz.erstattungErfasst({ vorgangsnummer: e.vorgangsnummer, anlass: e.anlass, ...fall });
  view.erstattet = true;
  return true;
}
