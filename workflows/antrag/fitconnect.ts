// Watching a FIT-Connect submission after it left: one long-polling activity beside the processing, ended when the
// authority has answered or the processing is over. A callback ("go and look") makes the workflow read the event
// log at once; the polling stays as the safety net for a callback that never comes. Histories recorded before
// either existed took no such step (patched ids below). Since patch `fitconnect-fenster` a look polls for
// WARTE_FENSTER and the workflow sleeps between looks, so an authority that takes weeks holds no activity.
import {
  CancellationScope,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { AktivierungsKonfiguration, FitConnectErgebnis } from '../../activities/antrag';
import { dauerMs } from '../../domain/dauer';
import { fitconnectNeuigkeitenSignal, type AntragSicht } from '../../messages/antrag';
import { kurz } from './activities';
import { WARTE_FENSTER_STANDARD, warteQueue } from './warte-queue';

export const FITCONNECT_AUSGANG_PATCH = 'fitconnect-ausgang';
export const FITCONNECT_CALLBACK_PATCH = 'fitconnect-callback';
export const FITCONNECT_FENSTER_PATCH = 'fitconnect-fenster';

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
  /** WARTE_FENSTER: how long one look polls before the workflow sleeps instead */
  fenster?: string,
): FitConnectAusgang | undefined {
  if (!patched(FITCONNECT_AUSGANG_PATCH)) return undefined;
  const bisMs = Date.now() + dauerMs(k.fristen.fitconnectErgebnis ?? '21d');
  const gefenstert = patched(FITCONNECT_FENSTER_PATCH);
  const fensterMs = dauerMs(fenster ?? WARTE_FENSTER_STANDARD);
  const rest = Math.max(0, bisMs - Date.now());
  const acts = proxyActivities<Activities>({
    startToCloseTimeout: (gefenstert ? Math.min(rest, fensterMs) : rest) + 10 * 60_000,
    heartbeatTimeout: '2 minutes',
    retry: { initialInterval: '1 second', maximumInterval: '5 minutes' },
    ...warteQueue(),
  });
  let grund: string | undefined;
  let entschieden = false;
  const uebernehmen = (e: FitConnectErgebnis | { status: 'offen' }) => {
    if (e.status === 'angenommen') sicht.zustellung.angenommen = true;
    if (e.status === 'abgelehnt') grund = e.gruende.join('; ');
    if (e.status === 'angenommen' || e.status === 'abgelehnt') entschieden = true;
  };
  const abfrage = {
    vorgangsnummer: vn,
    bis: new Date(bisMs).toISOString(),
    abfrageMs: dauerMs(k.fristen.fitconnectAbfrage ?? '1m'),
  };
  const scope = new CancellationScope();
  const lauf = scope
    .run(async () => {
      if (!gefenstert) return acts.fitconnectErgebnisAbwarten(abfrage);
      // Look, sleep the back-off's next wait on a timer, look again; a callback's answer cancels the scope.
      let abstand: number | undefined;
      for (;;) {
        const e = await acts.fitconnectErgebnisAbwarten({ ...abfrage, fensterMs, ...(abstand ? { abstand } : {}) });
        if (e.status !== 'offen') return e;
        abstand = e.abstand;
        await sleep(e.warteMs);
      }
    })
    .then(uebernehmen, (err: unknown) => {
      if (!isCancellation(err)) throw err;
    });
  const rueckrufe = rueckrufeBeantworten(vn, uebernehmen, () => entschieden, scope);
  return {
    abgelehnt: () => grund,
    async beenden() {
      scope.cancel();
      rueckrufe?.scope.cancel();
      await lauf;
      await rueckrufe?.lauf;
    },
  };
}

/**
 * Each callback reads the event log once (several at a time become one read); an answer found this way ends the
 * polling. Signals that came before this point wait in the workflow's buffer until the handler exists.
 */
function rueckrufeBeantworten(
  vn: string,
  uebernehmen: (e: FitConnectErgebnis | { status: 'offen' }) => void,
  entschieden: () => boolean,
  abfrage: CancellationScope,
): { scope: CancellationScope; lauf: Promise<void> } | undefined {
  if (!patched(FITCONNECT_CALLBACK_PATCH)) return undefined;
  let neu = false;
  setHandler(fitconnectNeuigkeitenSignal, () => void (neu = true));
  const scope = new CancellationScope();
  const lauf = scope
    .run(async () => {
      for (;;) {
        await condition(() => neu || entschieden());
        if (entschieden()) return;
        neu = false;
        uebernehmen(await kurz.fitconnectStatusLesen({ vorgangsnummer: vn }));
        if (entschieden()) {
          abfrage.cancel();
          return;
        }
      }
    })
    .catch((err: unknown) => {
      if (!isCancellation(err)) throw err;
    });
  return { scope, lauf };
}
