// npm run bench:release [-- --sizes 1180,10000 --concurrency 64 --wft 64 --la 64 --polls 10 --threads 1 --trace --heap
//                          --no-fairness]
//
// How long after an Amt24 release is published until every Onlinedienst in Betrieb has its re-check task open,
// for 1,180 (the activations of 2023) and 10,000 Onlinedienste — next to the raw time to signal as many idle
// workflows on the same server. Everything real and local: an in-memory Temporal dev server, embedded PostgreSQL,
// the loopback SMTP server and one in-process worker. "Open" is measured from the lifecycle side: the lifecycle
// workflow records the opened task in its PostgreSQL projection (release_recheck.opened_at).
// The last line of output is one line of JSON with the figures.
// --heap (with node --expose-gc) runs the workflows on the main thread and prints the live heap per cached lifecycle.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { sql, type Kysely } from 'kysely';
import { createActivities } from '../activities';
import { createDb, migrateToLatest } from '../db/client';
import type { Database } from '../db/schema';
import { seedDemoData } from '../db/seed';
import { loadConfigOrExit } from '../runtime/config';
import { createLogger } from '../runtime/logger';
import { dataConverter, EncryptionCodec } from '../runtime/payload-codec';
import { startMailServer } from '../runtime/mail-server';
import { createMailer } from '../runtime/mailer';
import { startPostgres } from '../runtime/postgres';
import { startTemporal } from '../runtime/temporal-server';
import { bundleWorkflows, idleWorkflowPath } from '../worker/worker';
import { freePort } from '../test/harness/ports';
import { lifecycleWorkflowId } from '../messages/onlinedienst';
import type { ReleaseCampaignInput } from '../messages/release';
import { releaseWorkflowId } from '../messages/release';
import { pool, say, seconds } from './bench/load';
import { importLifecycles } from './bench/release-import';
import { printReport, type SizeResult } from './bench/release-report';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const SIZES = arg('sizes', '1180,10000').split(',').map(Number);
const CONCURRENCY = Number(arg('concurrency', '64'));
const TARGETS: Record<number, number> = { 1180: 10_000, 10000: 60_000 };

const HEAP_PROBE = args.includes('--heap');
/** `--no-fairness`: the dev server without `matching.enableFairness` (the classic matcher), for comparison. */
const FAIRNESS = !args.includes('--no-fairness');
/** Live heap after a full collection (needs node --expose-gc). */
function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round(process.memoryUsage().heapUsed / 1e6);
}

let workerFailure: Error | undefined;

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (workerFailure) throw new Error(`worker failed while waiting for ${what}: ${workerFailure.message}`);
    if (await check()) return performance.now() - started;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`${what} not reached within ${seconds(timeoutMs)}`);
}

async function count(db: Kysely<Database>, query: ReturnType<typeof sql<{ n: number }>>): Promise<number> {
  return (await query.execute(db)).rows[0]!.n;
}

// ------------------------------------------------------------------------------------------------ servers
Runtime.install({
  logger: {
    log: () => {},
    trace: () => {},
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (m) => console.error(m),
  },
});
const config = loadConfigOrExit();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amt24-bench-'));
fs.chmodSync(dir, 0o755);
const log = createLogger('bench', 'error');
say(`starting Temporal dev server, PostgreSQL, SMTP (data in ${dir}); ${os.cpus().length} CPU cores`);
const quietBundler = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never;
const [temporal, postgres, mail, bundle, idleBundle] = await Promise.all([
  startTemporal({
    namespace: 'default',
    cliPath: config.temporal.cliPath,
    cacheDir: config.temporal.cacheDir,
    envPath: config.temporal.searchPath,
    fairness: FAIRNESS,
  }),
  startPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), database: 'postgres', temporary: true }),
  startMailServer({ dir: path.join(dir, 'mail') }),
  bundleWorkflows(),
  // The baseline's idle workflows get a bundle of their own: nothing but the idle workflow.
  bundleWorkflowCode({ workflowsPath: idleWorkflowPath, logger: quietBundler }),
]);
const mailer = createMailer(mail.smtpUrl, 'Amt24 <noreply@amt24.local>');
const connection = await Connection.connect({ address: temporal.address });
// Payloads encrypted as in production, so the figures include the codec.
const converter = dataConverter(new EncryptionCodec(config.payloadKeys));
const client = new Client({ connection, dataConverter: converter });

const WORKER_SETTINGS = {
  maxConcurrentWorkflowTaskExecutions: Number(arg('wft', '64')),
  maxConcurrentLocalActivityExecutions: Number(arg('la', '64')),
  maxConcurrentActivityTaskExecutions: 16,
  maxConcurrentWorkflowTaskPolls: Number(arg('polls', '10')),
  maxCachedWorkflows: 25_000,
  workflowThreadPoolSize: Number(arg('threads', '1')),
};
say(`worker: ${JSON.stringify(WORKER_SETTINGS)}; signal concurrency ${CONCURRENCY}`);

interface BenchWorker {
  stop(): Promise<void>;
}

async function startBenchWorker(
  workflowBundle: { code: string },
  taskQueue: string,
  db: Kysely<Database>,
): Promise<BenchWorker> {
  const connection = await NativeConnection.connect({ address: temporal.address });
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    workflowBundle,
    dataConverter: converter,
    activities: createActivities({
      db,
      mailer,
      log,
      awbEmail: 'awb@sid.example',
      temporal: new Client({ connection, dataConverter: converter }),
    }),
    ...WORKER_SETTINGS,
    // --heap: workflows run on the main thread so the heap they hold can be measured (slower; for diagnosis only).
    ...(HEAP_PROBE ? { debugMode: true } : {}),
  });
  const running = worker.run();
  // A worker that dies (e.g. out of memory) must end the bench with a message, not leave servers behind.
  running.catch((err: unknown) => {
    workerFailure = err as Error;
  });
  return {
    async stop() {
      if (!workerFailure) worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
    },
  };
}

async function runSize(n: number): Promise<SizeResult> {
  const database = `bench_${n}_${Date.now() % 100000}`;
  const db = createDb(await postgres.createDatabase(database), { max: 16 });
  await migrateToLatest(db);
  await seedDemoData(db);
  const taskQueue = `bench-${n}`;
  let worker = await startBenchWorker(bundle, taskQueue, db);
  const prefix = `b${n}`;
  try {
    // -------------------------------------------------------------------------- import N lifecycles in Betrieb
    say(`n=${n}: importing ${n} Onlinedienste already in production into their lifecycle (not timed)…`);
    const ids = Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);
    const heapAtStart = HEAP_PROBE ? heapMb() : 0;
    const importStart = performance.now();
    await importLifecycles({ db, client, ids, prefix, taskQueue, concurrency: CONCURRENCY });
    await waitFor(
      'lifecycles recorded',
      async () => (await count(db, sql<{ n: number }>`select count(*)::int as n from lifecycle where seq >= 1`)) === n,
      30 * 60_000,
      250,
    );
    const importMs = performance.now() - importStart;
    say(`n=${n}: ${n} lifecycles in Betrieb after ${seconds(importMs)}`);
    if (HEAP_PROBE)
      say(
        `n=${n}: heap ${heapMb()} MB with ${n} lifecycles cached (${heapAtStart} MB before the import): ${Math.round(((heapMb() - heapAtStart) * 1000) / n)} kB each`,
      );

    // -------------------------------------------------------------------------- the campaign (timed)
    const version = `bench-${n}`;
    const input: ReleaseCampaignInput = {
      release: {
        version,
        releaseDate: new Date().toISOString().slice(0, 10),
        changes: [
          { id: 'c1', title: 'ePayBL-Schnittstelle v3', tags: ['payment'], breaking: true },
          { id: 'c2', title: 'xFall 2.0', tags: ['xfall'], breaking: true },
          { id: 'c3', title: 'Upload-Komponente', tags: ['form:upload'], breaking: false },
        ],
      },
      createdBy: 'bench',
      settings: { fanoutConcurrency: CONCURRENCY },
    };
    const t0 = performance.now();
    await client.workflow.start('releaseCampaignWorkflow', {
      workflowId: releaseWorkflowId(version),
      taskQueue,
      args: [input],
    });
    let fanOutMs: number | null = null;
    const openMs = await waitFor(
      `every re-check task open (n=${n})`,
      async () => {
        if (fanOutMs === null) {
          const status = (
            await sql<{ status: string }>`select status from release_campaign where version = ${version}`.execute(db)
          ).rows[0]?.status;
          if (status === 'laufend') fanOutMs = performance.now() - t0;
        }
        return (
          (await count(
            db,
            sql<{
              n: number;
            }>`select count(*)::int as n from release_recheck where version = ${version} and opened_at is not null`,
          )) === n
        );
      },
      10 * 60_000,
      50,
    );
    say(
      `n=${n}: every re-check task open after ${seconds(openMs)} (${Math.round(n / (openMs / 1000))}/s); fan-out signals done after ${fanOutMs === null ? '?' : seconds(fanOutMs)}`,
    );

    if (args.includes('--trace')) {
      for (const id of [ids[0]!, ids[Math.floor(n / 2)]!, ids[n - 1]!]) {
        const hist = await client.workflow.getHandle(lifecycleWorkflowId(id)).fetchHistory();
        const evs = hist.events ?? [];
        const sig = evs.findIndex((e) => e.workflowExecutionSignaledEventAttributes);
        const t = (e: (typeof evs)[number]) =>
          Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6);
        const base = t(evs[sig]!);
        say(
          `trace ${id}: ${evs
            .slice(sig)
            .map((e) => `${String(e.eventType).replace('EVENT_TYPE_', '')}+${t(e) - base}`)
            .join(' ')}`,
        );
      }
    }

    // -------------------------------------------------------------------------- raw signals to idle workflows
    // The lifecycle worker steps down (its cache of N lifecycles goes with it); a worker with nothing but the idle
    // workflow serves the baseline on the same server.
    const workerRssMb = Math.round(process.memoryUsage().rss / 1e6);
    await worker.stop();
    const idleQueue = `bench-idle-${n}`;
    worker = await startBenchWorker(idleBundle, idleQueue, db);
    say(`n=${n}: starting ${n} idle workflows for the raw signal baseline (not timed)…`);
    const idle = Array.from({ length: n }, (_, i) => `idle-${prefix}-${i}`);
    await pool(idle, CONCURRENCY, async (id) => {
      await client.workflow.start('idleWorkflow', { workflowId: id, taskQueue: idleQueue, args: [] });
    });
    await new Promise((r) => setTimeout(r, 2000));
    const r0 = performance.now();
    await pool(idle, CONCURRENCY, async (id) => {
      await client.workflow.getHandle(id).signal('poke', 1);
    });
    const rawSignalMs = performance.now() - r0;
    say(
      `n=${n}: raw signal of ${n} idle workflows took ${seconds(rawSignalMs)} (${Math.round(n / (rawSignalMs / 1000))}/s)`,
    );
    // For comparison, not a target: when the worker has also processed the signals (the idle workflow's task after
    // its last signal has completed).
    const processedMs =
      (await waitFor(
        'idle workflows processed',
        async () => {
          const events = (await client.workflow.getHandle(idle[idle.length - 1]!).fetchHistory()).events ?? [];
          const signalled = events.findIndex((e) => e.workflowExecutionSignaledEventAttributes);
          return signalled >= 0 && events.slice(signalled).some((e) => e.workflowTaskCompletedEventAttributes);
        },
        10 * 60_000,
        50,
      )) + rawSignalMs;
    say(
      `n=${n}: … and processed by the worker after ${seconds(processedMs)} (${Math.round(n / (processedMs / 1000))}/s)`,
    );

    const perSecond = (ms: number) => n / (ms / 1000);
    const fanOut = fanOutMs ?? openMs;
    const targetMs = TARGETS[n] ?? null;
    const round2 = (x: number) => Number(x.toFixed(2));
    return {
      n,
      importMs: Math.round(importMs),
      openMs: Math.round(openMs),
      openPerSecond: Math.round(perSecond(openMs)),
      fanOutMs: Math.round(fanOut),
      fanOutPerSecond: Math.round(perSecond(fanOut)),
      rawSignalMs: Math.round(rawSignalMs),
      rawPerSecond: Math.round(perSecond(rawSignalMs)),
      rawProcessedMs: Math.round(processedMs),
      rawProcessedPerSecond: Math.round(perSecond(processedMs)),
      ratio: round2(perSecond(openMs) / perSecond(rawSignalMs)),
      fanOutRatio: round2(perSecond(fanOut) / perSecond(rawSignalMs)),
      ratioToProcessed: round2(perSecond(openMs) / perSecond(processedMs)),
      targetMs,
      withinTarget: targetMs === null ? null : openMs <= targetMs,
      workerRssMb,
    };
  } finally {
    // The idle and lifecycle workflows stay on the server (it is thrown away at the end); the worker stops here.
    await worker.stop();
    await db.destroy();
  }
}

const results: SizeResult[] = [];
let exitCode = 0;
try {
  for (const n of SIZES) results.push(await runSize(n));
} catch (err) {
  exitCode = 1;
  console.error(err);
} finally {
  await connection.close();
  mailer.close();
  await Promise.allSettled([mail.stop(), postgres.stop(), temporal.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
}

printReport(results, { cpus: os.cpus().length, concurrency: CONCURRENCY, fairness: FAIRNESS, worker: WORKER_SETTINGS });
process.exit(exitCode);
