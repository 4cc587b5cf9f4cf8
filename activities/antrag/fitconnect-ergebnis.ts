// After a FIT-Connect submission: the authority's accept or reject, or the service's own rejection after 14 days
// unpicked, read from the case's signed event log (every token verified by the client). Polled with back-off in one
// long activity with heartbeats — one Temporal action however long the authority takes.
import { Context, sleep } from '@temporalio/activity';
import type { ActivityDeps } from '../deps';
import { mustExist, required } from '../deps';
import { appendEreignis } from '../../db/stores/antrag-ereignis';
import { findZustellung } from '../../db/stores/antrag';
import type { SubmissionRef } from '../../integrations/fitconnect/client';

export type FitConnectErgebnis =
  { status: 'angenommen' } | { status: 'abgelehnt'; gruende: string[] } | { status: 'frist' };

const MAX_ABSTAND_MS = 60 * 60_000;
const HERZSCHLAG_MS = 30_000;

export async function fitconnectErgebnisAbwarten(
  deps: ActivityDeps,
  input: { vorgangsnummer: string; bis: string; abfrageMs: number },
): Promise<FitConnectErgebnis> {
  const vn = input.vorgangsnummer;
  const sender = required(deps, 'fitconnect');
  const ctx = Context.current();
  const zustellung = mustExist(await findZustellung(deps.db, vn), `Zustellung ${vn}`);
  const ref = JSON.parse(mustExist(zustellung.referenz ?? undefined, `FIT-Connect-Referenz ${vn}`)) as SubmissionRef;
  const bis = Date.parse(input.bis);
  // Back-off survives a retry of this activity through its heartbeat.
  let abstand = (ctx.info.heartbeatDetails as { abstand?: number } | undefined)?.abstand ?? input.abfrageMs;
  for (;;) {
    try {
      const { status, problems } = await sender.getStatus(ref);
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
          details: { submissionId: ref.submissionId, gruende },
        });
        return { status: 'abgelehnt', gruende };
      }
    } catch (err) {
      deps.log.warn(
        { vorgangsnummer: vn, err: (err as Error).message },
        'FIT-Connect event log unreadable; polling on',
      );
    }
    const rest = bis - Date.now();
    if (rest <= 0) return { status: 'frist' };
    // Heartbeats at least every 30 s, also while waiting an hour, so a dead worker is noticed quickly.
    for (let gewartet = 0, ziel = Math.min(abstand, rest); gewartet < ziel; gewartet += HERZSCHLAG_MS) {
      ctx.heartbeat({ abstand });
      await sleep(Math.min(HERZSCHLAG_MS, ziel - gewartet));
    }
    abstand = Math.min(abstand * 2, Math.max(MAX_ABSTAND_MS, input.abfrageMs));
  }
}
