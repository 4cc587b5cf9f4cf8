// The servers of the global setup (one Temporal dev server, PostgreSQL, SMTP, the bundled workflow code), sliced per
// test file: a fresh migrated database, a Temporal client, a mailer, real workers on task queues of their own.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import pg from 'pg';
import { inject } from 'vitest';
import type { ActivityDeps } from '../../activities';
import { createDb, migrateToLatest } from '../../db/client';
import { loadConfig } from '../../runtime/config';
import { createLogger, type Logger } from '../../runtime/logger';
import { createMailer, type Mailer } from '../../runtime/mailer';
import { dataConverter, EncryptionCodec } from '../../runtime/payload-codec';
import { createWorker, type Amt24Worker, type WorkerTuning } from '../../worker/worker';

export const testLog = createLogger('test', (process.env.TEST_LOG_LEVEL as 'error' | undefined) ?? 'silent');

// The SDK's own log lines (workflow and activity loggers, the core) go to one Runtime per process; a file that reads
// its logs routes them into its logger like app/worker.ts does, every other file hears only errors.
let runtimeLog: Logger | undefined;
let runtimeInstalled = false;
function quietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const at =
    (level: 'trace' | 'debug' | 'info' | 'warn' | 'error') => (message: string, meta?: Record<string, unknown>) => {
      if (runtimeLog) runtimeLog[level](meta ?? {}, message);
      else if (level === 'error') console.error(message, meta);
    };
  Runtime.install({
    logger: {
      log: (level, message, meta) => at(level.toLowerCase() as 'info')(message, meta),
      trace: at('trace'),
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
    },
  });
}

/** Sends the Temporal SDK's log lines of this process to `log` (as the worker process does). */
export function routeRuntimeLogs(log: Logger | undefined): void {
  runtimeLog = log;
}

/** Encrypt every test's Temporal payloads, as in production; worker processes get the same keys as PAYLOAD_KEYS. */
export const PAYLOAD_KEYS = `test:${Buffer.from('test-payload-key-0123456789abcde').toString('base64')}`;
export const payloadCodec = new EncryptionCodec(loadConfig({ PAYLOAD_KEYS }).payloadKeys);

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A new database on the shared server, migrated to the latest schema. */
export async function createTestDatabase(prefix = 't') {
  const name = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: inject('postgresAdminUrl') });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(inject('postgresAdminUrl'));
  url.pathname = `/${name}`;
  const db = createDb(url.toString(), { max: 5 });
  await migrateToLatest(db);
  return { db, url: url.toString(), name };
}

export async function temporalClient(): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  const client = new Client({
    connection,
    namespace: inject('temporalNamespace'),
    dataConverter: dataConverter(payloadCodec),
  });
  return { client, connection };
}

export function testMailer(): Mailer {
  return createMailer(inject('smtpUrl'), 'Amt24 Test <test@amt24.local>');
}

export type WorkerDeps = Omit<ActivityDeps, 'log'> & { log?: ActivityDeps['log'] };

export interface RunningWorker {
  worker: Amt24Worker;
  taskQueue: string;
  stop(): Promise<void>;
}

/** A real worker on the shared dev server, on a task queue of its own. */
export async function startWorker(
  deps: WorkerDeps,
  taskQueue = uniqueId('tq'),
  tuning?: WorkerTuning,
): Promise<RunningWorker> {
  quietRuntime();
  const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  const worker = await createWorker({
    connection,
    namespace: inject('temporalNamespace'),
    taskQueue,
    payloadCodec,
    deps: { log: testLog, ...deps },
    workflowBundle: { codePath: inject('workflowBundlePath') },
    ...(tuning ? { tuning } : {}),
  });
  const running = worker.run();
  return {
    worker,
    taskQueue,
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
