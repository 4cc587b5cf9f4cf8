// One test file's stack on the servers of the global setup, real and on loopback: its own database (with the demo
// master data), a Temporal client, a real worker on a task queue of its own, the API (and UI) over HTTP, and — for
// the Antrag — the ePayBL and FIT-Connect simulators and a Transferverzeichnis. A file asks for what it needs.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { Client, Connection } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { inject } from 'vitest';
import type { ApiDeps } from '../../api/deps';
import { createApp } from '../../app/http';
import type { Database } from '../../db/schema';
import { seedDemoData } from '../../db/seed';
import { EpayblSoapClient } from '../../integrations/epaybl/soap-client';
import { FitConnectSender } from '../../integrations/fitconnect/client';
import type { Logger } from '../../runtime/logger';
import type { Mailer } from '../../runtime/mailer';
import type { WorkerTuning } from '../../worker/worker';
import { deriveKeys } from '../../runtime/keys';
import { parameterKey } from '../../runtime/secrets';
import { startEpayblSimulator } from '../../simulators/epaybl/server';
import { startFitConnectSimulator } from '../../simulators/fitconnect/server';
import { watchGeld } from './geld';
import { demoToken, httpClient, type Api } from './http';
import { freePort } from './ports';
import {
  createTestDatabase,
  PAYLOAD_KEYS,
  payloadCodec,
  startWorker,
  temporalClient,
  testLog,
  testMailer,
  uniqueId,
  type RunningWorker,
  type WorkerDeps,
} from './servers';
import { eventually } from './wait';

/** The master (AUTH_SECRET) of every stack's keys: bearer tokens, CSRF, status links and payment back-links. */
export const SECRET = 'test-secret-0123456789abcdef0123456789';
export const KEYS = deriveKeys([SECRET]);
export const PARAMETER_KEY_MATERIAL = 'test-parameter-key-0123456789abcdef';
/** Encrypts protected Prozessparameter (API) and decrypts them (worker). */
export const PARAMETER_KEY = parameterKey(PARAMETER_KEY_MATERIAL);
/** The Leistung the demo data knows (Anwohnerparkausweis), offered by its Leipzig OE. */
export const LEISTUNG = '99102013000000';
const SENDER = { clientId: 'test-sender', clientSecret: 'test-sender-secret' };

/** What the stack has built when a file's app options are computed (readiness checks need them). */
export interface StackParts {
  db: Kysely<Database>;
  client: Client;
  connection: Connection;
  mailer: Mailer;
}

export interface StackOptions {
  /** prefix of the database name */
  name: string;
  /** the demo master data (Mandanten, OEs, Leistungen); default true */
  seed?: boolean;
  /** a worker in this process; default true (false: the file spawns worker processes itself) */
  worker?: boolean;
  /** that worker's slots and cache (WORKER_* in production); unset: production's defaults */
  workerTuning?: WorkerTuning;
  /** the API and UI over HTTP; default true */
  api?: boolean;
  /** what this file's app does differently (lifecycle durations, readiness checks …) */
  app?: Partial<ApiDeps> | ((parts: StackParts) => Partial<ApiDeps>);
  /** the ePayBL and FIT-Connect simulators and a Transferverzeichnis, wired into the worker */
  externals?: boolean;
  /** alert the AWB when an endpoint stays down this long (ms); with externals, default 60 s */
  endpointAlertAfterMs?: number;
  /** where API and worker log (default: nowhere) */
  log?: Logger;
}

export interface ServedApp {
  base: string;
  api: Api;
}

async function listen(fetch: (request: Request) => Response | Promise<Response>): Promise<ServerType> {
  return new Promise<ServerType>((resolve) => {
    const s = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
}

async function startExternals(endpointAlertAfterMs: number) {
  const [epaybl, fitconnect] = await Promise.all([
    startEpayblSimulator({ paypageSettleMs: 100 }),
    startFitConnectSimulator({ sender: SENDER, keyBits: 4096 }),
  ]);
  const transferRoot = path.join(inject('testDataDir'), uniqueId('transfer'));
  fs.mkdirSync(transferRoot, { recursive: true });
  const deps: Pick<WorkerDeps, 'epaybl' | 'fitconnect' | 'transferRoot' | 'endpointAlertAfterMs'> = {
    epaybl: new EpayblSoapClient({ endpoint: epaybl.soapUrl, paypageUrl: epaybl.paypageUrl, timeoutMs: 3000 }),
    fitconnect: new FitConnectSender({
      tokenUrl: `${fitconnect.url}/token`,
      submissionApiUrl: fitconnect.url,
      ...SENDER,
      requestTimeoutMs: 5000,
    }),
    transferRoot,
    endpointAlertAfterMs,
  };
  const env = {
    EPAYBL_URL: epaybl.soapUrl,
    EPAYBL_PAYPAGE_URL: epaybl.paypageUrl,
    FITCONNECT_TOKEN_URL: `${fitconnect.url}/token`,
    FITCONNECT_SUBMISSION_URL: fitconnect.url,
    FITCONNECT_CLIENT_ID: SENDER.clientId,
    FITCONNECT_CLIENT_SECRET: SENDER.clientSecret,
  };
  return { epaybl, fitconnect, transferRoot, deps, env };
}

export type Externals = Pick<Awaited<ReturnType<typeof startExternals>>, 'epaybl' | 'fitconnect' | 'transferRoot'>;
export type Stack = Awaited<ReturnType<typeof startStack>>;

export async function startStack(opts: StackOptions) {
  const { db, url: databaseUrl } = await createTestDatabase(opts.name);
  if (opts.seed ?? true) await seedDemoData(db);
  const mailer = testMailer();
  const { client, connection } = await temporalClient();
  const taskQueue = uniqueId(`tq-${opts.name}`);
  const awbEmail = `${uniqueId('awb')}@sid.example`;
  const externals = opts.externals ? await startExternals(opts.endpointAlertAfterMs ?? 60_000) : undefined;
  const parts: StackParts = { db, client, connection, mailer };
  const overrides = typeof opts.app === 'function' ? opts.app(parts) : (opts.app ?? {});
  const servers: ServerType[] = [];
  // Every Antrag on this stack's simulators is checked when the stack closes: the money adds up.
  const geld = externals && watchGeld({ name: opts.name, db, client, connection, epayblUrl: externals.epaybl.url });

  /** An app on a port of its own; `extra` is what it does differently from the stack's (the UI's dev sign-in …). */
  async function serveApp(extra: Partial<ApiDeps> = {}): Promise<ServedApp> {
    // Listening first: the app's public URL is its own address (requests come only once `app` is built).
    const server = await listen((request) => app.fetch(request));
    servers.push(server);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const app = createApp({
      db,
      temporal: client,
      payloadCodec,
      log: opts.log ?? testLog,
      keys: KEYS,
      namespace: inject('temporalNamespace'),
      taskQueue,
      publicBaseUrl: base,
      version: 'test',
      readiness: [],
      parameterKey: PARAMETER_KEY,
      ...overrides,
      ...extra,
    });
    return { base, api: httpClient(base, SECRET) };
  }

  const served = (opts.api ?? true) ? await serveApp() : undefined;
  const api: Api = served?.api ?? (() => Promise.reject(new Error('this stack serves no API')));
  const workerDeps: WorkerDeps = {
    ...externals?.deps,
    db,
    mailer,
    ...(opts.log ? { log: opts.log } : {}),
    awbEmail,
    parameterKey: PARAMETER_KEY,
    linkKeys: KEYS,
    ...(served ? { publicBaseUrl: served.base } : {}),
  };
  const tuning = opts.workerTuning;
  let worker: RunningWorker | undefined =
    (opts.worker ?? true) ? await startWorker(workerDeps, taskQueue, tuning) : undefined;
  const children: ChildProcess[] = [];

  /**
   * The real worker entry point as a child process, configured like production through the environment; `env` adds
   * to it (e.g. WORKER_METRICS_PORT: its Prometheus endpoint is off unless a test asks, so processes never collide).
   */
  function spawnWorkerProcess(env: Record<string, string> = {}): ChildProcess {
    return spawnProcess('app/worker.ts', 'worker-data', env);
  }

  /** The process environment of a worker or API child: this stack's servers, keys and task queue. */
  function spawnProcess(entry: string, dataPrefix: string, env: Record<string, string>): ChildProcess {
    const dataDir = path.join(inject('testDataDir'), uniqueId(dataPrefix));
    fs.mkdirSync(dataDir, { recursive: true });
    if (externals) fs.symlinkSync(externals.transferRoot, path.join(dataDir, 'transfer'));
    // One workflow bundle for every worker process of the run: the first builds it, the others read it.
    const bundles = path.join(inject('testDataDir'), 'workflow-bundles');
    fs.mkdirSync(bundles, { recursive: true });
    fs.symlinkSync(bundles, path.join(dataDir, 'workflow-bundles'));
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      env: {
        PATH: process.env.PATH,
        LOG_LEVEL: 'warn',
        DATA_DIR: dataDir,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_NAMESPACE: inject('temporalNamespace'),
        TEMPORAL_TASK_QUEUE: taskQueue,
        DATABASE_URL: databaseUrl,
        SMTP_URL: inject('smtpUrl'),
        AUTH_SECRET: SECRET,
        PARAMETER_KEY: PARAMETER_KEY_MATERIAL,
        PAYLOAD_KEYS,
        AWB_EMAIL: awbEmail,
        ...(served ? { PUBLIC_BASE_URL: served.base } : {}),
        ...externals?.env,
        WORKER_METRICS_PORT: '0',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    return child;
  }

  /** The real API entry point as a child process on a port of its own, once its /readyz answers. */
  async function spawnApiProcess(env: Record<string, string> = {}): Promise<ServedApp & { child: ChildProcess }> {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = spawnProcess('app/api.ts', 'api-data', {
      API_PORT: String(port),
      PUBLIC_BASE_URL: base,
      ...env,
    });
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`the API process exited with ${child.exitCode}`);
        return fetch(`${base}/readyz`).then(
          (r) => r.ok,
          () => false,
        );
      },
      60_000,
      'API process ready',
    );
    return { base, api: httpClient(base, SECRET), child };
  }

  return {
    db,
    databaseUrl,
    client,
    connection,
    mailer,
    taskQueue,
    awbEmail,
    workerDeps,
    externals: externals && {
      epaybl: externals.epaybl,
      fitconnect: externals.fitconnect,
      transferRoot: externals.transferRoot,
    },
    /** the stack's API ('' and a refusing caller if the file asked for none) */
    base: served?.base ?? '',
    api,
    token: (userId: string) => demoToken(SECRET, userId),
    serveApp,
    spawnWorkerProcess,
    spawnApiProcess,
    async stopWorker() {
      await worker?.stop();
      worker = undefined;
    },
    async startWorker() {
      worker = await startWorker(workerDeps, taskQueue, tuning);
    },
    async restartWorker() {
      await worker?.stop();
      worker = await startWorker(workerDeps, taskQueue, tuning);
    },
    async close() {
      await geld?.check();
      await worker?.stop().catch(() => undefined);
      worker = undefined;
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      if (externals) await Promise.allSettled([externals.epaybl.close(), externals.fitconnect.close()]);
      await connection.close();
      await db.destroy();
      mailer.close();
    },
  };
}
