// The API process.
import fs from 'node:fs';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import { createDb, migrateToLatest } from '../db/client';
import { loadConfigOrExit } from '../runtime/config';
import { databaseUrl, smtpUrl, temporalAddress } from '../runtime/endpoints';
import { createLogger } from '../runtime/logger';
import { createMailer } from '../runtime/mailer';
import { parameterKey } from '../runtime/secrets';
import { searchAttributesReady } from '../runtime/search-attributes-check';
import { connectionOptions } from '../runtime/temporal-connection';
import { startTracing, tracingClientInterceptors } from '../runtime/tracing';
import { createApp } from './http';

const config = loadConfigOrExit();
const log = createLogger('api', config.logLevel);
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
const mailer = createMailer(smtpUrl(config), config.mail.from);
// Lazy: the API comes up even while Temporal is still starting or down; /readyz says so.
const connection = Connection.lazy(connectionOptions(config.temporal.connection, temporalAddress(config)));
const temporal = new Client({
  connection,
  namespace: config.temporal.namespace,
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

const app = createApp({
  db,
  temporal,
  log,
  authSecret: config.auth.secret,
  namespace: config.temporal.namespace,
  taskQueue: config.temporal.taskQueue,
  publicBaseUrl: config.api.publicBaseUrl,
  temporalUiUrl: config.temporal.uiUrl,
  version,
  deliveryMaxRetryInterval: config.deliveryMaxRetryInterval,
  parameterKey: parameterKey(config.parameterKey),
  // `npm start` hands its loopback mail server to this process as SMTP_URL; a relay elsewhere has no view of ours.
  mailViewUrl:
    config.env !== 'production' && /^smtps?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(smtpUrl(config))
      ? `http://127.0.0.1:${config.mail.viewPort}`
      : undefined,
  uiDemoSignIn: config.env !== 'production',
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
    { name: 'smtp', check: () => mailer.verify() },
  ],
});

const server = serve({ fetch: app.fetch, hostname: config.api.host, port: config.api.port }, (info) =>
  log.info({ url: `http://${info.address}:${info.port}` }, 'api listening'),
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'api stopping');
  server.close();
  await connection.close().catch(() => {});
  await tracing?.shutdown();
  await db.destroy();
  mailer.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
