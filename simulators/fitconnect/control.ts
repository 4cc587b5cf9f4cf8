// The control API under /__control/: what a test or a person at the keyboard does that no FIT-Connect client can
// (create destinations, switch outages, decrypt, accept or reject as the authority, run the service's deadlines).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { notFound, parseJson, readBody, sendJson } from './http';
import { publicDestination, type FitConnectState } from './state';
import type { FitConnectSimulator, OutageMode, SimDestinationInput, SimDestinationStatus, SimProblem } from './types';

export interface ControlDeps {
  sim: FitConnectSimulator;
  state: FitConnectState;
  outage: () => OutageMode;
  latencyMs: () => number;
  now: () => number;
}

export async function handleControl(
  deps: ControlDeps,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  parts: string[],
): Promise<void> {
  const { sim } = deps;
  const [, resource, id, action] = parts;
  const body = async () => parseJson(await readBody(req));

  if (resource === 'destinations' && !id && method === 'POST') {
    return sendJson(res, 201, await sim.createDestination((await body()) as SimDestinationInput));
  }
  if (resource === 'destinations' && id && method === 'PATCH') {
    const patch = await body();
    const destination = deps.state.destinationOf(id);
    if (typeof patch.status === 'string') destination.status = patch.status as SimDestinationStatus;
    if ('callback' in patch) {
      sim.setDestinationCallback(id, (patch.callback as { url: string; secret: string } | null) ?? undefined);
    }
    if ('senderCallback' in patch) {
      sim.setSenderCallback(id, (patch.senderCallback as { url: string; secret: string } | null) ?? undefined);
    }
    return sendJson(res, 200, publicDestination(destination));
  }
  if (resource === 'faults' && method === 'POST') {
    const faults = await body();
    if (typeof faults.latencyMs === 'number') sim.setLatency(faults.latencyMs);
    const mode = faults.outage as OutageMode | undefined;
    sendJson(res, 200, { outage: mode ?? deps.outage(), latencyMs: deps.latencyMs() });
    if (mode === 'refused' && typeof faults.refusedForMs === 'number') {
      // Nothing can reach the control API while the port is closed, so the way back is timed.
      const timer = setTimeout(() => void sim.setOutage('none'), faults.refusedForMs);
      timer.unref();
    }
    if (mode) await sim.setOutage(mode);
    return;
  }
  if (resource === 'submissions' && id && action === 'decrypted' && method === 'GET') {
    const decrypted = await sim.decryptSubmission(id);
    const attachments = Object.entries(decrypted.attachments).map(([k, v]) => [k, Buffer.from(v).toString('base64')]);
    return sendJson(res, 200, { ...decrypted, attachments: Object.fromEntries(attachments) });
  }
  if (resource === 'submissions' && id && method === 'POST' && action) {
    if (action === 'accept') await sim.acceptSubmission(id);
    else if (action === 'reject') {
      const problems = ((await body()).problems as SimProblem[] | undefined) ?? [];
      await sim.rejectSubmission(id, problems);
    } else if (action === 'forward') await sim.forwardSubmission(id);
    else if (action === 'delete') await sim.deleteSubmission(id);
    else throw notFound();
    return sendJson(res, 200, { submissionId: id, status: deps.state.submissionOf(id).status });
  }
  if (resource === 'maintenance' && method === 'POST') {
    const at = (await body()).now;
    await sim.runMaintenance(typeof at === 'number' ? at : deps.now());
    return sendJson(res, 200, { reminders: sim.reminders });
  }
  if (resource === 'callbacks' && method === 'GET') return sendJson(res, 200, sim.callbackDeliveries);
  throw notFound();
}
