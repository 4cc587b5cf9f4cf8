// The FIT-Connect simulator behaves as the service is documented to (shared/domain/external-systems.md, "FIT-Connect
// in detail"), over real sockets on 127.0.0.1, driven by our client where a client would act: tokens only with
// client_secret_post and for 1800 s, callbacks HTTPS only (http to loopback is the simulator's concession) and
// configured per destination, rejections only with problems from the catalogue, notify-submission once the receiver
// was told, delete-submission after an answer (which stays the answer), and the API under /v1 or /v2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CALLBACK_NEW_EVENTS,
  FIT_CONNECT_EVENTS,
  FitConnectSender,
  verifyCallback,
  type FitConnectTarget,
} from '../integrations/fitconnect/client';
import { startFitConnectSimulator, type FitConnectSimulator } from '../simulators/fitconnect/server';
import { SCHEMA_URI, SERVICE, services, startCallbackReceiver, type CallbackReceiver } from './harness/fitconnect';
import { expectDeliveryError, makePackage } from './unit/package-fixtures';

const DAY_MS = 86_400_000;
const PROBLEMS = 'https://schema.fitko.de/fit-connect/events/problems/';
const SENDER_SECRET = 'sender-callback-secret-of-this-destination';

async function until<T>(fn: () => T | undefined | false, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = fn();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what} not reached`);
}

let sim: FitConnectSimulator;
let rx: CallbackReceiver;
let destinationId: string;
const requested: string[] = [];

const sender = (apiPrefix?: string) =>
  new FitConnectSender({
    tokenUrl: sim.tokenUrl,
    submissionApiUrl: sim.submissionApiUrl,
    clientId: sim.sender.clientId,
    clientSecret: sim.sender.clientSecret,
    minKeyBits: 2048,
    requestTimeoutMs: 5_000,
    ...(apiPrefix ? { apiPrefix } : {}),
    fetch: (input, init) => {
      requested.push(`${init?.method ?? 'GET'} ${String(input)}`);
      return fetch(input, init);
    },
  });
const target = (over: Partial<FitConnectTarget> = {}): FitConnectTarget => ({
  destinationId,
  schemaUri: SCHEMA_URI,
  serviceIdentifier: SERVICE,
  ...over,
});
const eventNames = (caseId: string) =>
  sim.eventLog(caseId).map((t) => {
    const payload = JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString('utf8')) as {
      events: Record<string, unknown>;
    };
    return Object.keys(payload.events)[0]!.split('/').pop();
  });

beforeAll(async () => {
  rx = await startCallbackReceiver();
  sim = await startFitConnectSimulator({ keyBits: 2048, maintenanceIntervalMs: 0, callbackRetryDelaysMs: [100] });
  destinationId = (
    await sim.createDestination({
      services,
      callback: { url: `${rx.url}/receiver`, secret: 'receiver-callback-secret' },
      senderCallback: { url: `${rx.url}/sender`, secret: SENDER_SECRET },
    })
  ).destinationId;
}, 60_000);
afterAll(async () => {
  await sim?.close();
  await rx?.close();
});

describe('FIT-Connect simulator', () => {
  it('hands out tokens for client_secret_post only, living 1800 s', async () => {
    const form = (extra: Record<string, string> = {}) =>
      new URLSearchParams({ grant_type: 'client_credentials', ...extra }).toString();
    const basic = await fetch(sim.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${sim.sender.clientId}:${sim.sender.clientSecret}`).toString('base64')}`,
      },
      body: form(),
    });
    expect(basic.status).toBe(401);
    expect(((await basic.json()) as { error: string }).error).toBe('invalid_client');
    const post = await fetch(sim.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ client_id: sim.sender.clientId, client_secret: sim.sender.clientSecret }),
    });
    expect(post.status).toBe(200);
    expect(await post.json()).toMatchObject({ token_type: 'Bearer', expires_in: 1800 });
  });

  it('takes callbacks over HTTPS only; plain http only to loopback', async () => {
    const api = sender();
    const token = await api.getAccessToken();
    const create = (url: string) =>
      fetch(`${sim.url}/v1/submissions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          destinationId,
          announcedAttachments: [],
          serviceType: { identifier: SERVICE },
          callback: { url, secret: 'some-callback-secret' },
        }),
      });
    const plain = await create('http://amt24.example.org/api/fitconnect/callback');
    expect(plain.status).toBe(422);
    expect(((await plain.json()) as { detail: string }).detail).toContain('https');
    expect((await create('https://amt24.example.org/api/fitconnect/callback')).status).toBe(201);
    expect((await create('http://127.0.0.1:3000/api/fitconnect/callback')).status).toBe(201);
    await expect(
      sim.createDestination({ services, senderCallback: { url: 'http://amt24.example.org/cb', secret: 'x' } }),
    ).rejects.toThrow(/https/);
  });

  it('tells the sender per destination, notes notify-submission once the receiver heard, and refuses problems outside the catalogue', async () => {
    const api = sender();
    const result = await api.deliver(makePackage('AMT24-2025-000300'), target());
    // The receiver's callback answered 200: the service notes that it told the receiver, and tells the sender.
    await until(() => eventNames(result.caseId).includes('notify-submission'), 'notify-submission');
    const told = await until(
      () => rx.received.find((r) => r.body.includes(CALLBACK_NEW_EVENTS) && r.body.includes(result.submissionId)),
      'the sender callback',
    );
    expect(
      verifyCallback({
        body: told.body,
        timestamp: told.headers['callback-timestamp'] as string,
        authentication: told.headers['callback-authentication'] as string,
        secret: SENDER_SECRET,
      }),
    ).toEqual({ valid: true });
    expect((await api.getStatus(result)).status).toBe('submitted');

    await expect(
      sim.rejectSubmission(result.submissionId, [{ type: `${PROBLEMS}invalid-data`, title: 'erfunden' }]),
    ).rejects.toThrow(/catalogue/);
    await expect(sim.rejectSubmission(result.submissionId, [])).rejects.toThrow(/problems/);
    expect(sim.submissionStatus(result.submissionId)).toBe('submitted');
    await sim.rejectSubmission(result.submissionId, [{ type: `${PROBLEMS}schema-violation`, detail: 'PLZ fehlt' }]);
    const status = await api.getStatus(result);
    expect(status.status).toBe('rejected');
    expect(status.problems).toEqual([{ type: `${PROBLEMS}schema-violation`, detail: 'PLZ fehlt' }]);
  });

  it('deletes the content of an answered submission later; the answer stays what the sender reads', async () => {
    const api = sender();
    const result = await api.deliver(makePackage('AMT24-2025-000301'), target());
    await sim.acceptSubmission(result.submissionId);
    await sim.runMaintenance(Date.now() + 8 * DAY_MS);
    expect(eventNames(result.caseId)).toContain('delete-submission');
    const status = await api.getStatus(result);
    expect(status.events.at(-1)!.event).toBe(FIT_CONNECT_EVENTS.delete);
    expect(status.status).toBe('accepted');
    await expect(sim.decryptSubmission(result.submissionId)).rejects.toThrow();
  });

  it('rejects on its own what nobody picked up for 14 days, with the problems of the rejection', async () => {
    const api = sender();
    const result = await api.deliver(makePackage('AMT24-2025-000302'), target());
    await sim.runMaintenance(Date.now() + 13 * DAY_MS);
    expect((await api.getStatus(result)).status).toBe('submitted');
    await sim.runMaintenance(Date.now() + 14 * DAY_MS + 1_000);
    const status = await api.getStatus(result);
    expect(status.status).toBe('rejected');
    expect(status.problems).toHaveLength(1);
    expect(status.events.at(-1)!.issuer).toBe(sim.submissionApiUrl);
  });

  it('serves the API under /v2 too; the client uses the prefix it is configured with', async () => {
    requested.length = 0;
    const api = sender('/v2');
    const result = await api.deliver(makePackage('AMT24-2025-000303'), target());
    expect((await api.getStatus(result)).status).toBe('submitted');
    const apiCalls = requested.filter((r) => !r.endsWith('/token') && !r.includes('/.well-known/'));
    expect(apiCalls.length).toBeGreaterThan(3);
    expect(apiCalls.every((r) => r.split(' ')[1]!.startsWith(`${sim.submissionApiUrl}/v2/`))).toBe(true);
    // A prefix the service does not serve: the first lookup finds nothing there, and that is not retried.
    await expectDeliveryError(
      sender('/v3').deliver(makePackage('AMT24-2025-000304'), target()),
      'destination-unknown',
      false,
    );
  });
});
