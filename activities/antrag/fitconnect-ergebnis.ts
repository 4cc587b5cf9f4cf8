// After a FIT-Connect submission: the authority's accept or reject, or the service's own rejection after 14 days
// unpicked, read from the case's signed event log (every token verified by the client). Polled with back-off in one
// long activity with heartbeats — one Temporal action however long the authority takes; a callback's "go and look"
// makes the workflow read once more at once (fitconnectStatusLesen).
import { Context, sleep } from '@temporalio/activity';
import type { ActivityDeps } from '../deps';
import { mustExist, required } from '../deps';
import { appendEreignis } from '../../db/stores/antrag-ereignis';
import { findZustellung } from '../../db/stores/antrag';
import type { SubmissionRef } from '../../integrations/fitconnect/client';

export type FitConnectErgebnis =
  { status: 'angenommen' } | { status: 'abgelehnt'; gruende: string[] } | { status: 'frist' };

/** A look whose window is out with no answer yet: the workflow sleeps `warteMs`, then looks with `abstand`. */
export type FitConnectOffen = { status: 'offen'; warteMs: number; abstand: number };

const MAX_ABSTAND_MS = 60 * 60_000;
const HERZSCHLAG_MS = 30_000;

/** Where a submission stands now; the authority's answer is written to the technical lane once. */
async function lesen(deps: ActivityDeps, vn: string, ref: SubmissionRef): Promise<FitConnectErgebnis | undefined> {
  const { status, problems } = await required(deps, 'fitconnect').getStatus(ref);
  if (status === 'accepted') {
    await appendEreignis(deps.db, {
      vorgangsnummer: vn,
      spur: 'technisch',
      status: 'angenommen',
      key: `${vn}:fitconnect-angenommen`,
      text: 'Die Behörde hat den Antrag angenommen.',
      details: { submissionId: ref.submissionId },
    });
    return { status: 'angenommen' };
  }
  if (status === 'rejected' || status === 'deleted') {
    const gruende = problems.map((p) => [p.title, p.detail].filter(Boolean).join(': ') || p.type);
    if (gruende.length === 0) gruende.push(status === 'deleted' ? 'vom Dienst gelöscht' : 'abgelehnt');
    await appendEreignis(deps.db, {
      vorgangsnummer: vn,
      spur: 'technisch',
      status: 'abgelehnt',
      key: `${vn}:fitconnect-abgelehnt`,
      text: `Die Behörde hat den Antrag nicht angenommen: ${gruende.join('; ')}`,
      details: { submissionId: ref.submissionId, gruende, problems: problems.map((p) => ({ ...p })) },
    });
    return { status: 'abgelehnt', gruende };
  }
  return undefined;
}

async function einreichung(deps: ActivityDeps, vn: string): Promise<SubmissionRef> {
  const zustellung = mustExist(await findZustellung(deps.db, vn), `Zustellung ${vn}`);
  return JSON.parse(mustExist(zustellung.referenz ?? undefined, `FIT-Connect-Referenz ${vn}`)) as SubmissionRef;
}

/**
 * One look at the event log, when a callback said there is news. `offen` also when the log cannot be read now:
 * the polling beside it is the safety net, so this never blocks the workflow with retries.
 */
export async function fitconnectStatusLesen(
  deps: ActivityDeps,
  input: { vorgangsnummer: string },
): Promise<FitConnectErgebnis | { status: 'offen' }> {
  const vn = input.vorgangsnummer;
  const ref = await einreichung(deps, vn);
  try {
    return (await lesen(deps, vn, ref)) ?? { status: 'offen' };
  } catch (err) {
    deps.log.warn(
      { vorgangsnummer: vn, err: (err as Error).message },
      'FIT-Connect event log unreadable after a callback',
    );
    return { status: 'offen' };
  }
}

/**
 * Polls the event log with back-off until the authority answers or `bis`. With `fensterMs` (patch fitconnect-fenster)
 * the look ends `offen` when its next wait would run past the window, and the workflow sleeps that wait on a timer:
 * an authority that takes weeks holds no activity on the worker.
 */
export async function fitconnectErgebnisAbwarten(
  deps: ActivityDeps,
  input: {
    vorgangsnummer: string;
    bis: string;
    abfrageMs: number;
    /** how long this look may poll (absent: to `bis`) */
    fensterMs?: number;
    /** the back-off the look before this one reached */
    abstand?: number;
  },
): Promise<FitConnectErgebnis | FitConnectOffen> {
  const vn = input.vorgangsnummer;
  required(deps, 'fitconnect');
  const ctx = Context.current();
  const ref = await einreichung(deps, vn);
  const bis = Date.parse(input.bis);
  // Back-off survives a retry of this activity through its heartbeat.
  let abstand =
    (ctx.info.heartbeatDetails as { abstand?: number } | undefined)?.abstand ?? input.abstand ?? input.abfrageMs;
  const fensterEnde = input.fensterMs !== undefined ? Date.now() + input.fensterMs : Infinity;
  const naechster = (a: number) => Math.min(a * 2, Math.max(MAX_ABSTAND_MS, input.abfrageMs));
  for (;;) {
    try {
      const ergebnis = await lesen(deps, vn, ref);
      if (ergebnis) return ergebnis;
    } catch (err) {
      deps.log.warn(
        { vorgangsnummer: vn, err: (err as Error).message },
        'FIT-Connect event log unreadable; polling on',
      );
    }
    const rest = bis - Date.now();
    if (rest <= 0) return { status: 'frist' };
    const warteMs = Math.min(abstand, rest);
    if (Date.now() + warteMs > fensterEnde) return { status: 'offen', warteMs, abstand: naechster(abstand) };
    // Heartbeats at least every 30 s, also while waiting an hour, so a dead worker is noticed quickly.
    for (let gewartet = 0; gewartet < warteMs; gewartet += HERZSCHLAG_MS) {
      ctx.heartbeat({ abstand });
      await sleep(Math.min(HERZSCHLAG_MS, warteMs - gewartet));
    }
    abstand = naechster(abstand);
  }
}
