// Watching a FIT-Connect submission after it left: one long-polling activity beside the processing, ended when the
// authority has answered or the processing is over. Histories recorded before this existed took no such step.
import { CancellationScope, isCancellation, patched, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { AktivierungsKonfiguration } from '../../activities/antrag';
import { dauerMs } from '../../domain/dauer';
import type { AntragSicht } from '../../messages/antrag';

export const FITCONNECT_AUSGANG_PATCH = 'fitconnect-ausgang';

export interface FitConnectAusgang {
  /** The authority's reasons once it rejected; undefined while none. */
  abgelehnt(): string | undefined;
  /** Stops watching (processing is over) and waits for the activity to settle. */
  beenden(): Promise<void>;
}

export function fitconnectAusgangBeobachten(
  vn: string,
  k: AktivierungsKonfiguration,
  sicht: AntragSicht,
): FitConnectAusgang | undefined {
  if (!patched(FITCONNECT_AUSGANG_PATCH)) return undefined;
  const bisMs = Date.now() + dauerMs(k.fristen.fitconnectErgebnis ?? '21d');
  const acts = proxyActivities<Activities>({
    startToCloseTimeout: Math.max(0, bisMs - Date.now()) + 10 * 60_000,
    heartbeatTimeout: '2 minutes',
    retry: { initialInterval: '1 second', maximumInterval: '5 minutes' },
  });
  let grund: string | undefined;
  const scope = new CancellationScope();
  const lauf = scope
    .run(() =>
      acts.fitconnectErgebnisAbwarten({
        vorgangsnummer: vn,
        bis: new Date(bisMs).toISOString(),
        abfrageMs: dauerMs(k.fristen.fitconnectAbfrage ?? '1m'),
      }),
    )
    .then(
      (e) => {
        if (e.status === 'angenommen') sicht.zustellung.angenommen = true;
        if (e.status === 'abgelehnt') grund = e.gruende.join('; ');
      },
      (err: unknown) => {
        if (!isCancellation(err)) throw err;
      },
    );
  return {
    abgelehnt: () => grund,
    async beenden() {
      scope.cancel();
      await lauf;
    },
  };
}
