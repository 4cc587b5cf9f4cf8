// Waiting for a payment (or its storno) at ePayBL: one long-polling activity at a time, restarted at once when the
// citizen comes back from the pay page.
import { CancellationScope, condition, isCancellation, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { ZahlungsErgebnis, ZahlungsZiel } from '../../activities/antrag';
import { warteQueue } from './warte-queue';

/**
 * Waits for ePayBL to report the claim settled, up to `bis`. One long-polling activity is one Temporal action;
 * when the citizen returns from the pay page, the running poll is cancelled and a new one looks at once.
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
): Promise<ZahlungsErgebnis> {
  for (;;) {
    const restMs = Math.max(0, bis - Date.now());
    const acts = proxyActivities<Activities>({
      startToCloseTimeout: restMs + 10 * 60_000,
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
    if (outcome !== 'woken') return outcome;
    if (workflowInfo().historyLength > 5000) return { ergebnis: 'frist' }; // a storm of back-links must not grow history without end
  }
}
