// Puts the simulator together: state, keys, event log, callbacks and deadlines behind one HTTP server on
// loopback, and the handle tests drive it with.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Auth } from './auth';
import { Authority } from './authority';
import { Callbacks } from './callbacks';
import type { Context } from './context';
import { handleControl } from './control';
import { checkCallback } from './callback-url';
import { deleteContent, runDeadlines, type Reminder } from './deadlines';
import { EventLog } from './events';
import { HttpProblem, sendJson, sendProblem } from './http';
import { newKeyPair } from './jose';
import * as limits from './limits';
import { handleApi } from './protocol';
import { FitConnectState } from './state';
import type { FitConnectSimulator, FitConnectSimulatorOptions, OutageMode, SimClient } from './types';

const newClient = (): SimClient => ({ clientId: randomUUID(), clientSecret: randomBytes(24).toString('base64url') });

export async function startFitConnectSimulator(options: FitConnectSimulatorOptions = {}): Promise<FitConnectSimulator> {
  const now = options.now ?? Date.now;
  const keyBits = options.keyBits ?? limits.KEY_BITS;
  const deadlines = {
    reminderAfterMs: options.pickupReminderAfterMs ?? limits.PICKUP_REMINDER_AFTER_MS,
    autoRejectAfterMs: options.autoRejectAfterMs ?? limits.AUTO_REJECT_AFTER_MS,
    deleteAfterMs: options.deleteAfterMs ?? limits.DELETE_AFTER_ANSWER_MS,
  };
  const sender = options.sender ?? newClient();
  const subscriber = options.subscriber ?? newClient();
  const host = options.host ?? '127.0.0.1';
  let baseUrl = '';
  let outage: OutageMode = 'none';
  let latencyMs = 0;
  let closed = false;

  const state = new FitConnectState(sender, subscriber, keyBits);
  const serviceKey = await newKeyPair('PS512', keyBits);
  const callbacks = new Callbacks(now, options.callbackRetryDelaysMs ?? limits.CALLBACK_RETRY_DELAYS_MS);
  const events = new EventLog(state, callbacks, serviceKey, () => baseUrl, now);
  const auth = new Auth(state, options.tokenLifetimeSeconds ?? limits.TOKEN_LIFETIME_SECONDS, now);
  const authority = new Authority(state, events);
  const ctx: Context = { state, auth, events, callbacks, now };
  const reminders: Reminder[] = [];
  const runMaintenance = (at: number = now()) => runDeadlines(state, events, deadlines, reminders, at);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    try {
      if (parts[0] === '__control') {
        await handleControl(control, req, res, method, parts);
        return;
      }
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      if (outage === 'unavailable') {
        res.writeHead(503, { 'retry-after': '30', 'content-type': 'application/problem+json' });
        res.end(JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503 }));
        return;
      }
      if (parts.length === 1 && parts[0] === 'token' && method === 'POST') return await auth.handleToken(req, res);
      if (parts[0] === '.well-known' && parts[1] === 'jwks.json' && method === 'GET') {
        return sendJson(res, 200, { keys: [serviceKey.publicJwk] });
      }
      await handleApi(ctx, req, res, method, parts, url.searchParams);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const detail = err instanceof Error ? err.message : String(err);
      sendProblem(res, err instanceof HttpProblem ? err : new HttpProblem(500, 'Internal Server Error', detail));
    }
  }

  const server: Server = createServer((req, res) => void handle(req, res));
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Kept-alive connections would otherwise keep working through the "outage".
      server.closeAllConnections();
    });
  await listen(options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host}:${port}`;

  async function setOutage(mode: OutageMode): Promise<void> {
    if (mode === outage) return;
    const previous = outage;
    outage = mode;
    if (mode === 'refused') await stopListening();
    else if (previous === 'refused' && !closed) await listen(port);
  }

  const maintenanceMs = options.maintenanceIntervalMs ?? limits.MAINTENANCE_INTERVAL_MS;
  const maintenanceTimer = maintenanceMs > 0 ? setInterval(() => void runMaintenance(), maintenanceMs) : undefined;
  maintenanceTimer?.unref();

  const sim: FitConnectSimulator = {
    url: baseUrl,
    port,
    tokenUrl: `${baseUrl}/token`,
    submissionApiUrl: baseUrl,
    sender,
    subscriber,
    createDestination: (input) => state.createDestination(input),
    setDestinationStatus(destinationId, status) {
      state.destinationOf(destinationId).status = status;
    },
    setDestinationCallback(destinationId, callback) {
      const destination = state.destinationOf(destinationId);
      if (callback) destination.callback = checkCallback(callback);
      else delete destination.callback;
    },
    setSenderCallback(destinationId, callback) {
      const destination = state.destinationOf(destinationId);
      if (callback) destination.senderCallback = checkCallback(callback);
      else delete destination.senderCallback;
    },
    setOutage,
    setLatency(ms) {
      latencyMs = ms;
    },
    destinationKeys(destinationId) {
      const destination = state.destinationOf(destinationId);
      return {
        decryptionKey: destination.encryption.privateKey,
        signingKey: destination.signing.privateKey,
        signingKid: destination.signing.kid,
      };
    },
    submissionStatus: (submissionId) => state.submissions.get(submissionId)?.status,
    listSubmissions: (destinationId) =>
      [...state.submissions.values()]
        .filter((s) => !destinationId || s.destinationId === destinationId)
        .map((s) => ({
          submissionId: s.submissionId,
          caseId: s.caseId,
          destinationId: s.destinationId,
          status: s.status,
        })),
    uploadCounts: (submissionId) => Object.fromEntries(state.submissionOf(submissionId).uploadCounts),
    decryptSubmission: (submissionId) => authority.decrypt(submissionId),
    acceptSubmission: (submissionId) => authority.accept(submissionId),
    rejectSubmission: (submissionId, problems) => authority.reject(submissionId, problems),
    forwardSubmission: (submissionId) => authority.forward(submissionId),
    deleteSubmission: (submissionId) => deleteContent(events, state.submissionOf(submissionId), now()),
    eventLog: (caseId) => [...(state.cases.get(caseId) ?? [])],
    callbackDeliveries: callbacks.deliveries,
    reminders,
    runMaintenance,
    async close() {
      closed = true;
      if (maintenanceTimer) clearInterval(maintenanceTimer);
      callbacks.close();
      if (outage === 'refused') return;
      await stopListening();
    },
  };
  const control = { sim, state, outage: () => outage, latencyMs: () => latencyMs, now };
  return sim;
}
