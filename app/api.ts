// The API process.
import fs from 'node:fs';
import type http from 'node:http';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import { createDb, migrateToLatest } from '../db/client';
import { loadConfigOrExit } from '../runtime/config';
import { databaseUrl, smtpUrl, temporalAddress } from '../runtime/endpoints';
import { backgroundStdout, createLogger } from '../runtime/logger';
import { deriveKeys } from '../runtime/keys';
import { parameterKey } from '../runtime/secrets';
import { dataConverter, EncryptionCodec } from '../runtime/payload-codec';
import { searchAttributesReady } from '../runtime/search-attributes-check';
import { connectionOptions } from '../runtime/temporal-connection';
import { startTracing, tracingClientInterceptors } from '../runtime/tracing';
import { createApp } from './http';

const config = loadConfigOrExit();
const log = createLogger('api', config.logLevel, backgroundStdout());
const version = (
  JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
const tracing = startTracing({
  endpoint: config.telemetry.otlpEndpoint,
  serviceName: config.telemetry.serviceName ?? 'amt24-api',
  serviceVersion: config.telemetry.buildId ?? version,
});

const db = createDb(databaseUrl(config), {
  onIdleError: (err) => log.warn({ err: err.message }, 'idle database connection lost'),
});
// Every process migrates on start (the migrator holds a lock, so API and worker may race safely).
await migrateToLatest(db);
// Lazy: the API comes up even while Temporal is still starting or down; /readyz says so.
const connection = Connection.lazy(connectionOptions(config.temporal.connection, temporalAddress(config)));
// The same codec as the worker's: what the API starts, signals and updates is encrypted, what it queries decrypted.
const payloadCodec = new EncryptionCodec(config.payloadKeys);
const temporal = new Client({
  connection,
  namespace: config.temporal.namespace,
  dataConverter: dataConverter(payloadCodec),
  interceptors: tracingClientInterceptors(tracing),
});
// In the background, once Temporal answers: the API serves reads without it, but every start would fail.
void connection
  .ensureConnected()
  .then(() => searchAttributesReady(connection, config.temporal.namespace, log))
  .catch((err: Error) => log.warn({ err: err.message }, 'Temporal not reachable yet: search attributes unchecked'));

if (config.env === 'production' && !config.telemetry.metricsToken) {
  log.warn('METRICS_TOKEN is not set: /metrics answers anyone who reaches the API (keep it off the public proxy)');
}
if (config.auth.isDevSecret) log.warn('AUTH_SECRET is not set: using the development secret (never in production)');
if (config.auth.demoLogin === 'on') log.warn('DEMO_LOGIN=1: the web UI offers one-click sign-in as any demo user');
if (config.isDevPayloadKey) log.warn('PAYLOAD_KEYS is not set: using the development key (never in production)');

const app = createApp({
  db,
  temporal,
  payloadCodec,
  log,
  keys: deriveKeys(config.auth.secrets),
  namespace: config.temporal.namespace,
  taskQueue: config.temporal.taskQueue,
  publicBaseUrl: config.api.publicBaseUrl,
  maxBodyBytes: config.api.maxBodyBytes,
  temporalUiUrl: config.temporal.uiUrl,
  version,
  deliveryMaxRetryInterval: config.deliveryMaxRetryInterval,
  stoerungNach: config.stoerungAfter,
  warteFenster: config.warteFenster,
  fitconnectCallbackSecrets: config.fitconnect.callbackSecrets,
  entwurfTage: config.entwurfTage,
  annahmeLimits: config.antragLimits,
  parameterKey: parameterKey(config.parameterKey),
  // `npm start` hands its loopback mail server to this process as SMTP_URL; a relay elsewhere has no view of ours.
  mailViewUrl:
    config.env !== 'production' && /^smtps?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(smtpUrl(config))
      ? `http://127.0.0.1:${config.mail.viewPort}`
      : undefined,
  uiDemoSignIn: config.auth.demoLogin === 'on',
  // Readiness checks what the API itself uses: Temporal and PostgreSQL. It sends no mail (the worker does).
  metricsToken: config.telemetry.metricsToken,
  tracing: Boolean(tracing),
  readiness: [
    {
      name: 'temporal',
      check: async () => {
        await connection.ensureConnected();
        await connection.healthService.check({});
      },
    },
    {
      name: 'postgres',
      check: async () => {
        await sql`select 1`.execute(db);
      },
    },
  ],
});

/** How long SIGTERM waits for requests in flight before it closes the connections left. */
const DRAIN_MS = 10_000;

const server = serve({ fetch: app.fetch, hostname: config.api.host, port: config.api.port }, (info) =>
  log.info({ url: `http://${info.address}:${info.port}` }, 'api listening'),
) as http.Server;
server.on('error', (err: NodeJS.ErrnoException) => {
  // One sentence for the person starting it, then a clean exit (npm start gives up after a few tries).
  console.error(
    err.code === 'EADDRINUSE'
      ? `The API cannot listen on ${config.api.host}:${config.api.port}: it is in use; set API_PORT to a free port.`
      : `The API cannot listen on ${config.api.host}:${config.api.port} (${err.code ?? err.message}); set API_HOST and API_PORT.`,
  );
  process.exit(1);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  // Drain: no new connections; requests in flight finish (idle keep-alive connections close at once), for at
  // most DRAIN_MS; then whatever is left is closed.
  log.info({ signal, drainMs: DRAIN_MS }, 'api stopping: draining requests in flight');
  const drained = new Promise<boolean>((resolve) => server.close(() => resolve(true)));
  server.closeIdleConnections();
  let deadline: NodeJS.Timeout | undefined;
  const inTime = await Promise.race([
    drained,
    new Promise<boolean>((resolve) => (deadline = setTimeout(() => resolve(false), DRAIN_MS))),
  ]);
  clearTimeout(deadline);
  if (!inTime) {
    log.warn({ drainMs: DRAIN_MS }, 'api drain deadline passed: closing the connections left');
    server.closeAllConnections();
  }
  await connection.close().catch(() => {});
  await tracing?.shutdown();
  await db.destroy();
  log.info({ drained: inTime }, 'api stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
