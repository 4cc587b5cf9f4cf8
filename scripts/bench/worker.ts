// The worker process of `npm run bench:antrag`: app/worker.ts with the bench bundle entry (production workflows
// plus the minimal reference workflow) and the bench activities; configured from the environment like production.
import path from 'node:path';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { createEpaybl, createFitConnect } from '../../app/external';
import { createDb, migrateToLatest } from '../../db/client';
import { dauerMs } from '../../domain/dauer';
import { loadConfigOrExit } from '../../runtime/config';
import { databaseUrl, smtpUrl, temporalAddress } from '../../runtime/endpoints';
import { createLogger } from '../../runtime/logger';
import { createMailer } from '../../runtime/mailer';
import { deriveKeys } from '../../runtime/keys';
import { parameterKey } from '../../runtime/secrets';
import { EncryptionCodec } from '../../runtime/payload-codec';
import { connectionOptions } from '../../runtime/temporal-connection';
import { benchWorkflowsPath, createWorker, sdkCoreLogging, sdkLogger } from '../../worker/worker';
import { benchActivities } from './activities';

const config = loadConfigOrExit();
const log = createLogger('bench-worker', config.logLevel);
Runtime.install({
  logger: sdkLogger(log),
  telemetryOptions: { logging: sdkCoreLogging() },
});

const db = createDb(databaseUrl(config));
await migrateToLatest(db);
const mailer = createMailer(smtpUrl(config), config.mail.from);
const connection = await NativeConnection.connect(
  connectionOptions(config.temporal.connection, temporalAddress(config)),
);
const worker = await createWorker({
  connection,
  namespace: config.temporal.namespace,
  taskQueue: config.temporal.taskQueue,
  payloadCodec: new EncryptionCodec(config.payloadKeys),
  tuning: config.worker.tuning,
  bundleCacheDir: path.join(config.dataDir, 'workflow-bundles'),
  deps: {
    db,
    mailer,
    log,
    epaybl: createEpaybl(config),
    fitconnect: createFitConnect(config),
    transferRoot: config.transferDir,
    parameterKey: parameterKey(config.parameterKey),
    linkKeys: deriveKeys(config.auth.secrets),
    publicBaseUrl: config.api.publicBaseUrl,
    awbEmail: config.awbEmail,
    endpointAlertAfterMs: dauerMs(config.endpointAlertAfter),
  },
  bench: { workflowsPath: benchWorkflowsPath, activities: benchActivities },
});
await worker.run();
await connection.close();
await db.destroy();
mailer.close();
