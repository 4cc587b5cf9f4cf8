// Everything an Antrag touches, real and on loopback: its own database, the ePayBL and FIT-Connect simulators,
// a worker on the shared Temporal dev server, and the API over HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { inject } from 'vitest';
import { createApp } from '../app/http';
import { demoUsers, signToken } from '../api/auth';
import { FitConnectSender } from '../integrations/fitconnect/client';
import { EpayblSoapClient } from '../integrations/epaybl/soap-client';
import { seedDemoData } from '../db/seed';
import { antragWorkflowId } from '../domain/vorgangsnummer';
import { parameterKey } from '../runtime/secrets';
import { startEpayblSimulator } from '../simulators/epaybl/server';
import { startFitConnectSimulator } from '../simulators/fitconnect/server';
import { antragQuery } from '../messages/antrag';
import { createTestDatabase, eventually, startWorker, temporalClient, testLog, testMailer, uniqueId, type RunningWorker } from './helpers';

export const SECRET = 'antrag-test-secret-0123456789abcdef0123';
const PARAMETER_KEY = 'test-parameter-key-0123456789abcdef';
const SENDER = { clientId: 'test-sender', clientSecret: 'test-sender-secret' };
export const LEISTUNG = '99102013000000';
export const SCHEMA = 'urn:xoev-de:xfall:standard:antrag';

export type Harness = Awaited<ReturnType<typeof antragHarness>>;

export async function antragHarness(opts: { endpointAlertAfterMs?: number } = {}) {
  const { db, url: databaseUrl } = await createTestDatabase('antrag');
  await seedDemoData(db);
  const epaybl = await startEpayblSimulator({ paypageSettleMs: 100 });
  const fitconnect = await startFitConnectSimulator({ sender: SENDER, keyBits: 4096 });
  const destination = await fitconnect.createDestination({
    services: [{ identifier: `urn:de:fim:leika:leistung:${LEISTUNG}`, submissionSchemas: [{ schemaUri: SCHEMA, mimeType: 'application/json' }] }],
  });
  const transferRoot = path.join(inject('testDataDir'), uniqueId('transfer'));
  const mailer = testMailer();
  const { client, connection } = await temporalClient();
  const awbEmail = `${uniqueId('awb')}@sid.example`;

  // The API first: the worker needs its public URL for the links it mails.
  let worker: RunningWorker | undefined;
  const taskQueue = uniqueId('tq-antrag');
  const app = createApp({
    db, temporal: client, log: testLog, authSecret: SECRET, namespace: inject('temporalNamespace'), taskQueue,
    publicBaseUrl: 'http://placeholder', version: 'test', readiness: [], deliveryMaxRetryInterval: '2s',
  });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const workerDeps = {
    db,
    mailer,
    epaybl: new EpayblSoapClient({ endpoint: epaybl.soapUrl, paypageUrl: epaybl.paypageUrl, timeoutMs: 3000 }),
    fitconnect: new FitConnectSender({ tokenUrl: `${fitconnect.url}/token`, submissionApiUrl: fitconnect.url, ...SENDER, requestTimeoutMs: 5000 }),
    transferRoot,
    parameterKey: parameterKey(PARAMETER_KEY),
    linkSecret: SECRET,
    publicBaseUrl: base,
    awbEmail,
    endpointAlertAfterMs: opts.endpointAlertAfterMs ?? 60_000,
  };
  worker = await startWorker(workerDeps, taskQueue);

  /** The real worker entry point as a child process, configured like production through the environment. */
  function spawnWorkerProcess(): ChildProcess {
    const dataDir = path.join(inject('testDataDir'), uniqueId('worker-data'));
    fs.mkdirSync(dataDir, { recursive: true });
    fs.symlinkSync(transferRoot, path.join(dataDir, 'transfer'));
    return spawn(process.execPath, ['--import', 'tsx', 'app/worker.ts'], {
      env: {
        PATH: process.env.PATH, LOG_LEVEL: 'warn', DATA_DIR: dataDir,
        TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_NAMESPACE: inject('temporalNamespace'), TEMPORAL_TASK_QUEUE: taskQueue,
        DATABASE_URL: databaseUrl, SMTP_URL: inject('smtpUrl'), EPAYBL_URL: epaybl.soapUrl, EPAYBL_PAYPAGE_URL: epaybl.paypageUrl,
        FITCONNECT_TOKEN_URL: `${fitconnect.url}/token`, FITCONNECT_SUBMISSION_URL: fitconnect.url,
        FITCONNECT_CLIENT_ID: SENDER.clientId, FITCONNECT_CLIENT_SECRET: SENDER.clientSecret,
        AUTH_SECRET: SECRET, PARAMETER_KEY: PARAMETER_KEY, PUBLIC_BASE_URL: base, AWB_EMAIL: awbEmail,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }

  const tokens = Object.fromEntries(await Promise.all(demoUsers.map(async (u) => [u.id, await signToken(SECRET, u)] as const)));

  /** A fresh activation of Anwohnerparken for Leipzig with the given Prozessparameter. */
  async function aktivierung(params: Record<string, string>, extra: { wartungsmodus?: boolean; art?: 'refuse' | 'hold'; text?: string } = {}) {
    const id = uniqueId('akt');
    // One activation per (Onlinedienst, Mandant, OE): each test activation gets an OE of its own.
    await db.insertInto('organisationseinheit').values({ id: `oe-${id}`, mandant_id: 'leipzig', name: `OE ${id}`, behoerdenkonto_id: 'bk-leipzig-ordnungsamt', email: null }).execute();
    await db.insertInto('leistung_oe').values({ leistung_id: LEISTUNG, oe_id: `oe-${id}` }).execute();
    await db.insertInto('aktivierung').values({
      id, onlinedienst_id: 'anwohnerparken', mandant_id: 'leipzig', oe_id: `oe-${id}`, leistung_id: LEISTUNG, status: 'aktiv',
      wartungsmodus: extra.wartungsmodus ?? false, wartungsmodus_art: extra.art ?? 'refuse', wartungsmodus_text: extra.text ?? null,
    }).execute();
    const all = { 'frist.aufbewahrung': '365d', 'frist.transferLoeschen': '90d', ...params };
    // The Transferverzeichnis is the authority's share; the activity treats a missing one as an outage.
    fs.mkdirSync(path.join(transferRoot, id), { recursive: true });
    await db.insertInto('prozessparameter')
      .values(Object.entries(all).map(([key, value]) => ({ aktivierung_id: id, key, value, value_encrypted: null, protected: false })))
      .execute();
    return id;
  }

  const gebuehr = (betragCent = 3050) => ({
    'gebuehr.betragCent': String(betragCent), 'epaybl.mandantNr': '014', 'epaybl.bewirtschafterNr': 'L-ORD',
    'epaybl.haushaltsstelle': '1220.1100', 'epaybl.buchungstext': 'Bewohnerparkausweis <Zone A> & "Test"', 'frist.zahlungAbfrage': '200ms',
  });

  async function submit(body: Record<string, unknown>, o: { token?: string; key?: string } = {}) {
    const res = await fetch(`${base}/api/antraege`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${o.token ?? tokens['buerger-anna']}`,
        'content-type': 'application/json',
        ...(o.key ? { 'idempotency-key': o.key } : {}),
      },
      body: JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
  }

  async function api(method: string, p: string, token?: string, body?: unknown) {
    const res = await fetch(`${base}${p}`, {
      method,
      redirect: 'manual',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let json: any = {};
    try { json = JSON.parse(text); } catch { json = { raw: text }; }
    return { status: res.status, headers: res.headers, body: json };
  }

  const handle = (vn: string) => client.workflow.getHandle(antragWorkflowId(vn));
  const sicht = (vn: string) => handle(vn).query(antragQuery);
  const antrag = (vn: string) => db.selectFrom('antrag').selectAll().where('vorgangsnummer', '=', vn).executeTakeFirstOrThrow();
  const waitFor = <T>(what: string, fn: () => Promise<T | undefined | false>, ms = 30_000) => eventually(fn, ms, what);

  return {
    db, epaybl, fitconnect, destination, transferRoot, base, tokens, client, awbEmail, taskQueue, workerDeps,
    aktivierung, gebuehr, submit, api, handle, sicht, antrag, waitFor, spawnWorkerProcess,
    async restartWorker() {
      await worker!.stop();
      worker = await startWorker(workerDeps, taskQueue);
    },
    async stopWorker() {
      await worker!.stop();
    },
    async startWorker() {
      worker = await startWorker(workerDeps, taskQueue);
    },
    async close() {
      await worker?.stop().catch(() => undefined);
      await new Promise((r) => server.close(r));
      await Promise.allSettled([epaybl.close(), fitconnect.close()]);
      await connection.close();
      await db.destroy();
      mailer.close();
    },
  };
}

export const anwohnerparken = (overrides: Record<string, unknown> = {}) => ({
  kennzeichen: 'L-AB 1234',
  halter: 'selbst',
  wohnadresse: { strasse: 'Karl-Liebknecht-Straße', hausnummer: '12', plz: '04107', ort: 'Leipzig' },
  zone: 'A3',
  gueltigAb: '2026-12-01',
  ...overrides,
});

export const antragsteller = (email: string) => ({ name: 'Anna Bürger', email });
