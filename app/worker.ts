// The worker process: runs workflow code and activities against the configured Temporal, PostgreSQL and SMTP.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { createDb, migrateToLatest } from '../db/client';
import { loadConfigOrExit } from '../runtime/config';
import { databaseUrl, smtpUrl, temporalAddress } from '../runtime/endpoints';
import { createLogger } from '../runtime/logger';
import { createMailer } from '../runtime/mailer';
import { createEpaybl, createFitConnect } from './external';
import { deriveKeys } from '../runtime/keys';
import { parameterKey } from '../runtime/secrets';
import { EncryptionCodec } from '../runtime/payload-codec';
import { dauerMs } from '../domain/dauer';
import { installGermanErrorMap } from '../domain/field-errors';
import { findEpayblMandantNr } from '../db/stores/aktivierung';
import { epayblAlive } from '../worker/epaybl-alive';
import { startWorkerHealth, type WorkerHealth } from '../worker/health';
import { resolveBuildId } from '../runtime/build-id';
import { searchAttributesReady } from '../runtime/search-attributes-check';
import { connectionOptions, describeConnection } from '../runtime/temporal-connection';
import { startTracing } from '../runtime/tracing';
import { createWorker, sdkCoreLogging, sdkLogger } from '../worker/worker';

const config = loadConfigOrExit();
const log = createLogger('worker', config.logLevel);
// Activities' validation messages (e.g. a Prozessparameter that does not parse) in German, as the API's.
installGermanErrorMap();
const root = fileURLToPath(new URL('..', import.meta.url));
const buildId = resolveBuildId(config.telemetry.buildId, root);
const metrics = config.telemetry.workerMetrics;
try {
  installRuntime();
} catch (err) {
  // The only way installing fails in practice: the metrics port is taken (another worker, another service).
  log.fatal(
    `the worker's metrics endpoint ${metrics?.host}:${metrics?.port} cannot listen (${(err as Error).message}): ` +
      'set WORKER_METRICS_PORT to a free port, or 0 to turn it off',
  );
  process.exit(78); // EX_CONFIG
}
function installRuntime() {
  Runtime.install({
    logger: sdkLogger(log),
    telemetryOptions: {
      logging: sdkCoreLogging(),
      // The SDK's own metrics (task slots, poll latency, schedule-to-start, sticky cache …) as temporal_* series.
      ...(metrics ? { metrics: { prometheus: { bindAddress: `${metrics.host}:${metrics.port}` } } } : {}),
    },
  });
}
const tracing = startTracing({
  endpoint: config.telemetry.otlpEndpoint,
  serviceName: config.telemetry.serviceName ?? 'amt24-worker',
  serviceVersion: buildId,
});

const db = createDb(databaseUrl(config), {
  onIdleError: (err) => log.warn({ err: err.message }, 'idle database connection lost'),
});
// Every process migrates on start (the migrator holds a lock, so API and worker may race safely).
await migrateToLatest(db);
const mailer = createMailer(smtpUrl(config), config.mail.from);
const connection = await NativeConnection.connect(
  connectionOptions(config.temporal.connection, temporalAddress(config)),
);
// Without the search attributes every workflow start fails: say so once and stop instead of failing Anträge.
if (!(await searchAttributesReady(connection, config.temporal.namespace, log))) {
  await connection.close();
  await db.destroy();
  process.exit(78); // EX_CONFIG
}
const epaybl = createEpaybl(config);
const worker = await createWorker({
  connection,
  namespace: config.temporal.namespace,
  taskQueue: config.temporal.taskQueue,
  payloadCodec: new EncryptionCodec(config.payloadKeys),
  tuning: config.worker.tuning,
  bundleCacheDir: path.join(config.dataDir, 'workflow-bundles'),
  buildId,
  tracing,
  deps: {
    db,
    mailer,
    log,
    epaybl,
    fitconnect: createFitConnect(config),
    transferRoot: config.transferDir,
    parameterKey: parameterKey(config.parameterKey),
    linkKeys: deriveKeys(config.auth.secrets),
    publicBaseUrl: config.api.publicBaseUrl,
    awbEmail: config.awbEmail,
    endpointAlertAfterMs: dauerMs(config.endpointAlertAfter),
  },
});
if (config.isDevPayloadKey) log.warn('PAYLOAD_KEYS is not set: using the development key (never in production)');
let health: WorkerHealth | undefined;
if (config.worker.healthPort !== undefined) {
  const { healthHost: host, healthPort: port } = config.worker;
  // ePayBL is reported on /readyz, never required (worker/health.ts says why).
  const dependencies = [epayblAlive(epaybl, () => findEpayblMandantNr(db))];
  const taskQueue = config.temporal.taskQueue;
  health = await startWorkerHealth({ worker, connection, taskQueue, host, port, dependencies }).catch(
    (err: NodeJS.ErrnoException) => {
      // One sentence for the person starting it, then a clean exit (npm start gives up after a few tries).
      console.error(
        err.code === 'EADDRINUSE'
          ? `The worker's health endpoint cannot listen on ${host}:${port}: it is in use; set WORKER_HEALTH_PORT to a free port.`
          : `The worker's health endpoint cannot listen on ${host}:${port} (${err.code ?? err.message}); set WORKER_HEALTH_HOST and WORKER_HEALTH_PORT.`,
      );
      process.exit(1);
    },
  );
  log.info({ url: health.url }, 'worker health listening');
}
log.info(
  {
    taskQueue: config.temporal.taskQueue,
    temporal: describeConnection(config.temporal.connection, temporalAddress(config), config.temporal.namespace),
    buildId,
    metrics: metrics ? `http://${metrics.host}:${metrics.port}/metrics` : 'off',
    tracing: tracing ? config.telemetry.otlpEndpoint : 'off',
  },
  'worker started',
);
// Worker.run() drains and returns on SIGINT/SIGTERM (the SDK installs those handlers).
await worker.run();
await health?.close();
await connection.close();
await db.destroy();
mailer.close();
await tracing?.shutdown();
log.info('worker stopped');
