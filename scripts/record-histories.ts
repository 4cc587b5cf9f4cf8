// npm run record:histories [name …] — runs the scenarios of test/histories/scenarios.ts on a real stack (an
// in-memory Temporal dev server, embedded PostgreSQL, the loopback SMTP server, a worker and the API) and writes
// each recorded run to test/histories/<name>.json. test/replay.test.ts replays them against the current code.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { createApp } from '../api/app';
import { demoUsers, signToken } from '../api/auth';
import type { LifecycleApiSettings } from '../api/lifecycle-api';
import { createDb, migrateToLatest } from '../db/client';
import { seedDemoData } from '../db/seed';
import { loadConfigOrExit } from '../runtime/config';
import { createLogger } from '../runtime/logger';
import { startMailServer } from '../runtime/mail-server';
import { createMailer } from '../runtime/mailer';
import { startPostgres } from '../runtime/postgres';
import { parameterKey } from '../runtime/secrets';
import { startTemporal } from '../runtime/temporal-server';
import { scenarios, type ScenarioContext } from '../test/histories/scenarios';
import { createWorker } from '../worker/worker';

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/histories');
const SECRET = 'record-histories-secret-0123456789abcdef';
const config = loadConfigOrExit();
const only = process.argv.slice(2);
const selected = only.length === 0 ? scenarios : scenarios.filter((s) => only.includes(s.name));
if (selected.length === 0) {
  console.error(`no scenario named ${only.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const noop = () => {};
Runtime.install({ logger: { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: console.error } });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amt24-record-'));
fs.chmodSync(dir, 0o755);
const log = createLogger('record', 'warn');
const [temporal, postgres, mail] = await Promise.all([
  startTemporal({ namespace: 'default', cliPath: config.temporal.cliPath, cacheDir: config.temporal.cacheDir, envPath: config.temporal.searchPath }),
  startPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort() }),
  startMailServer({ dir: path.join(dir, 'mail') }),
]);
const db = createDb(postgres.url, { max: 10 });
await migrateToLatest(db);
await seedDemoData(db);
const mailer = createMailer(mail.smtpUrl, 'Amt24 <noreply@amt24.local>');
const client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
const taskQueue = 'record-histories';
const settings: LifecycleApiSettings = {};
const key = parameterKey('record-histories-parameter-key-0123456789');
const app = createApp({
  db, temporal: client, log, authSecret: SECRET, namespace: 'default', taskQueue, publicBaseUrl: 'http://localhost', version: 'record',
  readiness: [], parameterKey: key, lifecycle: settings,
});
const server = await new Promise<ServerType>((resolve) => {
  const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
});
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const workerConnection = await NativeConnection.connect({ address: temporal.address });
const worker = await createWorker({
  connection: workerConnection,
  namespace: 'default',
  taskQueue,
  deps: { db, mailer, log, parameterKey: key, awbEmail: 'awb@sid.example', temporal: new Client({ connection: workerConnection }) },
});
const running = worker.run();
const tokens = Object.fromEntries(await Promise.all(demoUsers.map(async (u) => [u.id, await signToken(SECRET, u)] as const)));

let counter = 0;
const ctx: ScenarioContext = {
  client, db, taskQueue, settings, awbEmail: 'awb@sid.example',
  async api(method, p, user, body, expect) {
    const res = await fetch(`${base}${p}`, {
      method,
      headers: { ...(user ? { authorization: `Bearer ${tokens[user]}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (res.status >= 300 && res.status !== expect) throw new Error(`${method} ${p}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : {};
  },
  async until(fn, what, ms = 30_000) {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const v = await fn();
      if (v) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out: ${what}`);
  },
  unique: (prefix) => `${prefix}-${process.pid.toString(36)}-${(++counter).toString(36)}`,
};

let failed = false;
try {
  for (const scenario of selected) {
    const started = performance.now();
    const recorded = await scenario.run(ctx);
    const handle = client.workflow.getHandle(recorded.workflowId, recorded.runId);
    const history = await handle.fetchHistory();
    const type = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
    if (type !== scenario.workflowType) throw new Error(`${scenario.name}: recorded a ${type}, expected ${scenario.workflowType}`);
    fs.writeFileSync(path.join(out, `${scenario.name}.json`), `${JSON.stringify(history)}\n`);
    console.log(`recorded ${scenario.name}: ${history.events?.length} events of ${type} (${Math.round(performance.now() - started)} ms)`);
  }
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  worker.shutdown();
  await running;
  await workerConnection.close();
  await new Promise((r) => server.close(r));
  await client.connection.close();
  await db.destroy();
  mailer.close();
  await Promise.allSettled([mail.stop(), postgres.stop(), temporal.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
