// Waiting for a payment (or its storno) at ePayBL: one long-polling activity at a time, restarted at once when the
// citizen comes back from the pay page. Since patch `zahlung-fenster` a look polls for a window (WARTE_FENSTER) and
// the workflow then sleeps on a timer between looks, the gaps growing: a claim left open for days holds neither an
// activity slot nor worker memory, only a timer on the server (and a cached workflow the worker may evict).
import {
  CancellationScope,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { ZahlungsAbfrageStand, ZahlungsErgebnis, ZahlungsZiel } from '../../activities/antrag';
import { dauerMs } from '../../domain/dauer';
import { WARTE_FENSTER_STANDARD, warteQueue } from './warte-queue';

export const ZAHLUNG_FENSTER_PATCH = 'zahlung-fenster';

/**
 * The gap before the next look: twice the poll interval after the first window, doubling up to 120 intervals (an
 * hour at 30 s) — or to 1/200 of the whole wait when that is longer, so a wait of months stays a few hundred looks
 * in the history.
 */
export function naechsteLuecke(vorige: number | undefined, abfrageMs: number, ganzeWarteMs: number): number {
  const grenze = Math.max(120 * abfrageMs, ganzeWarteMs / 200);
  return Math.min(vorige === undefined ? 2 * abfrageMs : 2 * vorige, grenze);
}

/**
 * Waits for ePayBL to report the claim settled, up to `bis`. One long-polling activity is one Temporal action;
 * when the citizen returns from the pay page, the running poll is cancelled (or the sleep between looks cut short)
 * and a new one looks at once.
 */
export async function zahlungAbwarten(
  vorgangsnummer: string,
  mandantNr: string,
  kassenzeichen: string,
  bis: number,
  abfrageMs: number,
  ziel: ZahlungsZiel,
  takeWake: () => boolean,
  wakeRequested: () => boolean,
  /** STOERUNG_AFTER: the poll reports a read failure lasting this long as a Störung (and polls on) */
  stoerungNach?: string,
  /** WARTE_FENSTER: how long one look polls before the workflow sleeps on a timer instead */
  fenster?: string,
): Promise<ZahlungsErgebnis> {
  const gefenstert = patched(ZAHLUNG_FENSTER_PATCH);
  const fensterMs = dauerMs(fenster ?? WARTE_FENSTER_STANDARD);
  const ganzeWarteMs = Math.max(0, bis - Date.now());
  let stand: ZahlungsAbfrageStand | undefined;
  let luecke: number | undefined;
  for (;;) {
    const restMs = Math.max(0, bis - Date.now());
    const acts = proxyActivities<Activities>({
      startToCloseTimeout: (gefenstert ? Math.min(restMs, fensterMs) : restMs) + 10 * 60_000,
      // A dead worker is noticed after three missed polls (at least 10 s), and another one takes over.
      heartbeatTimeout: Math.max(3 * abfrageMs, 10_000),
      retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
      ...warteQueue(),
    });
    takeWake();
    const scope = new CancellationScope();
    const outcome = await scope
      .run(async () => {
        const poll = acts.zahlungAbwarten({
          vorgangsnummer,
          mandantNr,
          kassenzeichen,
          bis: new Date(bis).toISOString(),
          abfrageMs,
          ziel,
          ...(stoerungNach ? { stoerungNach } : {}),
          ...(gefenstert ? { fensterMs, ...(stand ? { stand } : {}) } : {}),
        });
        poll.catch(() => undefined); // observed below or deliberately abandoned on a wake-up
        const woken = condition(wakeRequested).then(() => 'woken' as const);
        const first = await Promise.race([poll, woken]);
        if (first === 'woken') scope.cancel();
        return first;
      })
      .catch((err: unknown) => {
        if (isCancellation(err)) return 'woken' as const;
        throw err;
      });
    if (outcome !== 'woken' && outcome.ergebnis !== 'offen') return outcome;
    if (workflowInfo().historyLength > 5000) return { ergebnis: 'frist' }; // a storm of back-links must not grow history without end
    if (outcome === 'woken') continue;
    // The window ran out with the claim open: sleep, unless the citizen comes back from the pay page first.
    stand = outcome.stand;
    luecke = naechsteLuecke(luecke, abfrageMs, ganzeWarteMs);
    const uebrigMs = bis - Date.now();
    if (uebrigMs <= 0) return { ergebnis: 'frist', ...stand.zuletzt };
    await condition(wakeRequested, Math.min(luecke, uebrigMs));
  }
}
