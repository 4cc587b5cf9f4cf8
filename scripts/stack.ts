// The whole service in one process for scripts (recording histories): an in-memory Temporal dev server,
// PostgreSQL, SMTP, the ePayBL and FIT-Connect simulators, a worker and the API on free ports.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { createApp } from '../app/http';
import { demoUsers, signToken } from '../api/auth';
import type { LifecycleApiSettings } from '../api/lifecycle-api';
import { FitConnectSender } from '../integrations/fitconnect/client';
import { EpayblSoapClient } from '../integrations/epaybl/soap-client';
import { createDb, migrateToLatest } from '../db/client';
import { seedDemoData } from '../db/seed';
import type { Config } from '../runtime/config';
import { createLogger } from '../runtime/logger';
import { startMailServer } from '../runtime/mail-server';
import { createMailer } from '../runtime/mailer';
import { startPostgres } from '../runtime/postgres';
import { deriveKeys } from '../runtime/keys';
import { parameterKey } from '../runtime/secrets';
import { dataConverter, EncryptionCodec } from '../runtime/payload-codec';
import { startTemporal } from '../runtime/temporal-server';
import { startEpayblSimulator } from '../simulators/epaybl/server';
import { startFitConnectSimulator } from '../simulators/fitconnect/server';
import { freePort } from '../test/harness/ports';
import { createWorker } from '../worker/worker';

export const STACK_SECRET = 'stack-secret-0123456789abcdef0123456789';
/** The secret FIT-Connect's callbacks to the stack's API are signed with (set per destination at the simulator). */
export const STACK_CALLBACK_SECRET = 'stack-fitconnect-callback-secret-0123456789';
const SENDER = { clientId: 'stack-sender', clientSecret: 'stack-sender-secret' };

export async function startStack(config: Config, opts: { lifecycle?: LifecycleApiSettings } = {}) {
  const noop = () => {};
  Runtime.install({ logger: { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: console.error } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amt24-stack-'));
  fs.chmodSync(dir, 0o755);
  const log = createLogger('stack', 'warn');
  const [temporal, postgres, mail, epaybl, fitconnect] = await Promise.all([
    startTemporal({
      namespace: 'default',
      cliPath: config.temporal.cliPath,
      cacheDir: config.temporal.cacheDir,
      envPath: config.temporal.searchPath,
    }),
    startPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), temporary: true }),
    startMailServer({ dir: path.join(dir, 'mail') }),
    startEpayblSimulator({ paypageSettleMs: 0 }),
    startFitConnectSimulator({ sender: SENDER }),
  ]);
  const db = createDb(postgres.url, { max: 5 });
  await migrateToLatest(db);
  await seedDemoData(db);
  const mailer = createMailer(mail.smtpUrl, 'Amt24 <noreply@amt24.local>');
  const clientConnection = await Connection.connect({ address: temporal.address });
  const payloadCodec = new EncryptionCodec(config.payloadKeys);
  const client = new Client({ connection: clientConnection, dataConverter: dataConverter(payloadCodec) });
  const transferRoot = path.join(dir, 'transfer');
  const taskQueue = 'amt24';
  const key = parameterKey('stack-parameter-key-0123456789abcdef');
  const keys = deriveKeys([STACK_SECRET]);

  const app = createApp({
    db,
    temporal: client,
    payloadCodec,
    log,
    keys,
    namespace: 'default',
    taskQueue,
    publicBaseUrl: 'http://placeholder',
    version: 'stack',
    readiness: [],
    deliveryMaxRetryInterval: '2s',
    warteFenster: config.warteFenster,
    fitconnectCallbackSecrets: [STACK_CALLBACK_SECRET],
    parameterKey: key,
    ...(opts.lifecycle ? { lifecycle: opts.lifecycle } : {}),
  });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  const workerConnection = await NativeConnection.connect({ address: temporal.address });
  const worker = await createWorker({
    connection: workerConnection,
    namespace: 'default',
    taskQueue,
    payloadCodec,
    deps: {
      db,
      mailer,
      log,
      epaybl: new EpayblSoapClient({ endpoint: epaybl.soapUrl, paypageUrl: epaybl.paypageUrl, timeoutMs: 3000 }),
      fitconnect: new FitConnectSender({
        tokenUrl: `${fitconnect.url}/token`,
        submissionApiUrl: fitconnect.url,
        ...SENDER,
      }),
      transferRoot,
      parameterKey: key,
      linkKeys: keys,
      publicBaseUrl: base,
      awbEmail: 'awb@sid.example',
      endpointAlertAfterMs: 60_000,
    },
  });
  const running = worker.run();
  const tokens = Object.fromEntries(
    await Promise.all(demoUsers.map(async (u) => [u.id, await signToken(keys.bearer, u)] as const)),
  );

  return {
    dir,
    db,
    client,
    base,
    tokens,
    epaybl,
    fitconnect,
    transferRoot,
    taskQueue,
    async stop() {
      worker.shutdown();
      await running;
      await workerConnection.close();
      await new Promise((r) => server.close(r));
      await clientConnection.close();
      await db.destroy();
      mailer.close();
      await Promise.allSettled([epaybl.close(), fitconnect.close(), mail.stop(), postgres.stop(), temporal.stop()]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type Stack = Awaited<ReturnType<typeof startStack>>;

/** Polls until fn returns something truthy (scripts cannot use test/harness/wait's eventually: it imports vitest). */
export async function until<T>(fn: () => Promise<T | undefined | false>, what: string, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out: ${what}`);
}
