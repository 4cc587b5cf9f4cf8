// A step of the Antrag that must not fail it and must not retry for ever in silence: a failure no retry fixes (its
// type is in domain/antrag/stoerung.ts), or a temporary one that outlasts the threshold, becomes a Störung — recorded,
// shown, mailed to whoever can fix it — and the step waits for "try again" (an outage also tries again by itself
// after another threshold). Histories from before this existed ran the step with the plain retry policy: the patch
// keeps them replaying.
import {
  ActivityFailure,
  ApplicationFailure,
  TimeoutFailure,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import {
  DAUERHAFTE_FEHLERTYPEN,
  istDauerhafterFehler,
  type StoerungArt,
  type StoerungFehler,
  type StoerungSchritt,
} from '../../domain/antrag/stoerung';
import { dauerMs } from '../../domain/dauer';
import type { AntragSicht } from '../../messages/antrag';
import { stoerungWiederholenSignal } from '../../messages/stoerung';
import { kurz } from './activities';

export const STOERUNG_PATCH = 'stoerung-statt-endlos';

/** How long a temporary failure may go on before it is a Störung, when the API passed nothing. */
const STOERUNG_NACH = '4h';
const ATTEMPT_MS = 60_000;

type Acts = typeof kurz;

/** Runs one step; a Störung holds it until it goes through. */
export type StoerungsfesterSchritt = <T>(schritt: StoerungSchritt, run: (acts: Acts) => Promise<T>) => Promise<T>;

export function stoerungsfest(vn: string, sicht: AntragSicht, nach?: string): StoerungsfesterSchritt {
  let wiederholen = false;
  setHandler(stoerungWiederholenSignal, () => void (wiederholen = true));
  const nachMs = dauerMs(nach ?? STOERUNG_NACH);
  const acts = proxyActivities<Activities>({
    startToCloseTimeout: ATTEMPT_MS,
    // The threshold: a step still failing after this long ends with its last failure (or a timeout). One slow
    // attempt is not a failure, so the threshold starts after the first attempt's allowance.
    scheduleToCloseTimeout: nachMs + ATTEMPT_MS,
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      nonRetryableErrorTypes: DAUERHAFTE_FEHLERTYPEN,
    },
  });

  return async (schritt, run) => {
    if (!patched(STOERUNG_PATCH)) return run(kurz);
    let gemeldet = false;
    for (;;) {
      try {
        const result = await run(acts);
        if (gemeldet) {
          await kurz.stoerungBehoben({ vorgangsnummer: vn });
          delete sicht.stoerung;
        }
        return result;
      } catch (err) {
        const stoerung = stoerungAus(err);
        if (!stoerung) throw err;
        // Only a "try again" sent once this Störung is known counts (the rows appear during the report).
        wiederholen = false;
        await kurz.stoerungMelden({ vorgangsnummer: vn, schritt, ...stoerung });
        gemeldet = true;
        sicht.stoerung = { schritt, art: stoerung.art, typ: stoerung.fehler.typ, seit: new Date().toISOString() };
        await condition(() => wiederholen, stoerung.art === 'anhaltend' ? nachMs : undefined);
        wiederholen = false;
      }
    }
  };
}

/**
 * Every failure of the step is a Störung: a final one at once; a temporary one only reaches here once the threshold
 * is spent (the server then ends the activity with its last failure, or with a timeout when no attempt ended).
 * Only a cancellation goes on up.
 */
function stoerungAus(err: unknown): { art: StoerungArt; fehler: StoerungFehler } | undefined {
  if (!(err instanceof ActivityFailure) || isCancellation(err)) return undefined;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure && (cause.nonRetryable || istDauerhafterFehler(cause.type ?? undefined))) {
    return { art: 'dauerhaft', fehler: fehlerAus(cause) };
  }
  if (cause instanceof ApplicationFailure) return { art: 'anhaltend', fehler: fehlerAus(cause) };
  const last = cause instanceof TimeoutFailure && cause.cause instanceof ApplicationFailure ? cause.cause : undefined;
  return {
    art: 'anhaltend',
    fehler: last ? fehlerAus(last) : { typ: 'Zeitueberschreitung', nachricht: cause?.message || err.message },
  };
}

function fehlerAus(f: ApplicationFailure): StoerungFehler {
  const d = (f.details?.[0] ?? {}) as { code?: unknown; ePaymentId?: unknown };
  return {
    typ: f.type ?? 'Error',
    nachricht: f.message,
    ...(typeof d.code === 'string' ? { code: d.code } : {}),
    ...(typeof d.ePaymentId === 'string' ? { ePaymentId: d.ePaymentId } : {}),
  };
}
