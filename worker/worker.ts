// The worker: the production workflow bundle (workflows/index.ts is its only entry and the only production import
// of workflows/) and the activities built over their dependencies. The benches pass an entry and activities of
// their own (workflows/bench/, scripts/bench/): the production workflows plus their reference workflows.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import v8 from 'node:v8';
import { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import {
  bundleWorkflowCode,
  makeTelemetryFilterString,
  NativeConnection,
  Worker,
  type Logger as SdkLogger,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { warteTaskQueue } from '../messages/task-queues';
import type { Logger } from '../runtime/logger';
import { dataConverter } from '../runtime/payload-codec';
import { tracingClientInterceptors, type Tracing } from '../runtime/tracing';
import { cachedBundle } from './bundle-cache';
import { PRELOAD_MODULES } from './preload';
import { tracingWorkerOptions, workflowTracingModule } from './tracing';

const require = createRequire(import.meta.url);
export const workflowsPath = require.resolve('../workflows/index.ts');
/** The benches' entries (never registered in production): production workflows plus the reference, and the idle one. */
export const benchWorkflowsPath = require.resolve('../workflows/bench/index.ts');
export const idleWorkflowPath = require.resolve('../workflows/bench/idle.ts');

/** The SDK's own log lines into our logger (for `Runtime.install`). */
export function sdkLogger(log: Logger): SdkLogger {
  return {
    log: (level, message, meta) => log[level.toLowerCase() as 'info'](meta ?? {}, message),
    trace: (m, meta) => log.trace(meta ?? {}, m),
    debug: (m, meta) => log.debug(meta ?? {}, m),
    info: (m, meta) => log.info(meta ?? {}, m),
    warn: (m, meta) => log.warn(meta ?? {}, m),
    error: (m, meta) => log.error(meta ?? {}, m),
  };
}

/** The core's own logging: warnings and worse, forwarded to `sdkLogger`. */
export const sdkCoreLogging = () => ({ filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} });

export interface BundleOptions {
  /** another bundle entry (benches only); default: the production workflows */
  workflowsPath?: string;
  /** bundle the OpenTelemetry workflow interceptors (only when tracing is on) */
  tracing?: boolean;
}

/** Bundles the workflow code once (webpack); the bundle can be reused by many workers. */
export async function bundleWorkflows(opts: BundleOptions = {}): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: opts.workflowsPath ?? workflowsPath,
    preloadModules: PRELOAD_MODULES,
    workflowInterceptorModules: opts.tracing ? [workflowTracingModule] : [],
    logger: quietBundlerLogger,
  });
}

const noop = () => {};
const quietBundlerLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };

/** Activities beside the production ones, by registered name (benches only). */
export type ExtraActivities = Record<string, (...args: never[]) => Promise<unknown>>;

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Encrypts every payload the worker sends (runtime/payload-codec.ts); required so no worker forgets it. */
  payloadCodec: PayloadCodec;
  /** A pre-built bundle (tests); otherwise the workflows are bundled now. */
  workflowBundle?: { code: string } | { codePath: string };
  /** Keep the bundle here between starts (worker/bundle-cache.ts); unset: bundle on every start. */
  bundleCacheDir?: string;
  /** Benches only: their bundle entry (it re-exports the production workflows) and their activities. */
  bench?: { workflowsPath: string; activities: ExtraActivities };
  /** shown by the task queue's pollers and recorded on each workflow task (no versioning-based routing) */
  buildId?: string;
  /** OpenTelemetry spans for workflows and activities (runtime/tracing.ts) */
  tracing?: Tracing;
  /** Cache, slots and pollers (WORKER_* variables); unset fields keep the SDK's defaults. */
  tuning?: WorkerTuning;
}

/**
 * Slots for the short activities (receipt, delivery, mail, projections) unless WORKER_MAX_CONCURRENT_ACTIVITIES
 * says otherwise: about what one process really runs at once, so a burst's backlog waits on the server, where
 * fairness orders it by Mandant, instead of in this process's slots (README "Bursts").
 */
export const DEFAULT_ACTIVITY_SLOTS = 32;
/**
 * Slots for the long waits on the wait queue (messages/task-queues.ts) unless WORKER_MAX_CONCURRENT_WAITS says
 * otherwise: one per Antrag waiting on this worker for its payment or the FIT-Connect answer. A waiting slot is a
 * sleeping promise between two reads, so many are cheap.
 */
export const DEFAULT_WAIT_SLOTS = 2000;

/** This process's V8 heap limit, which the SDK sizes its default cache from. */
const heapLimitMiB = () => v8.getHeapStatistics().heap_size_limit / 1024 / 1024;

/**
 * The cache the SDK gives a worker without WORKER_MAX_CACHED_WORKFLOWS: `(heap limit − 200 MiB) × 600 / 1024`
 * workflows, at least 10 (@temporalio/worker's worker-options.js, with the V8 context reused as here).
 */
export function sdkDefaultCache(heapLimit = heapLimitMiB()): number {
  return Math.max(Math.floor((Math.max(heapLimit - 200, 0) * 600) / 1024), 10);
}

/**
 * Why the cache is too small, if it is: a heap capped for a small RSS (README "Worker memory") without the cache set
 * beside it leaves the SDK's 10 workflows, and then every workflow task of an evicted workflow replays its history.
 */
export function cacheWarnung(maxCachedWorkflows: number | undefined, heapLimitMiB: number): string | undefined {
  if (maxCachedWorkflows !== undefined) return undefined;
  const cache = sdkDefaultCache(heapLimitMiB);
  if (cache >= 100) return undefined;
  return (
    `WORKER_MAX_CACHED_WORKFLOWS is not set: with a heap limit of ${Math.round(heapLimitMiB)} MiB the SDK caches ` +
    `only ${cache} workflows (and runs as many workflow tasks at once); set it with the heap cap, e.g. 100 ` +
    `(README "Worker memory")`
  );
}

export interface WorkerTuning {
  maxCachedWorkflows?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskPolls?: number;
  maxConcurrentActivityTaskPolls?: number;
  /** the wait queue's slots (WORKER_MAX_CONCURRENT_WAITS) */
  maxConcurrentWaits?: number;
}

/**
 * One worker process's two Temporal workers: `main` runs the workflows and the short activities on the task queue,
 * `warten` the long waits on the wait queue beside it. They start, stop and fail together.
 */
export class Amt24Worker {
  constructor(
    readonly main: Worker,
    readonly warten: Worker,
  ) {}

  /** Runs both until shutdown; if one fails, the other is shut down and the failure is thrown. */
  async run(): Promise<void> {
    const runs = [this.main.run(), this.warten.run()];
    try {
      await Promise.race(runs);
    } finally {
      this.shutdown();
      await Promise.allSettled(runs);
    }
    await Promise.all(runs);
  }

  shutdown(): void {
    for (const w of [this.main, this.warten]) if (w.getState() === 'RUNNING') w.shutdown();
  }
}

/**
 * Bundles in a short-lived child process: bundling in the worker itself leaves webpack's allocations in the worker's
 * resident memory for its whole life (`npm run bench:memory` prints the idle worker's RSS: 457 MB with the bundle
 * built in-process, 275 MB with this).
 */
export async function bundleInChildProcess(opts: BundleOptions = {}): Promise<{ code: string }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'amt24-bundle-'));
  try {
    const out = path.join(dir, 'workflow-bundle.js');
    const main = require.resolve('./bundle-main.ts');
    // `--import tsx` resolved from the project root, as the worker itself is started.
    await promisify(execFile)(process.execPath, ['--import', 'tsx', main, JSON.stringify(opts), out], {
      cwd: path.dirname(path.dirname(main)),
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: await fs.readFile(out, 'utf8') };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function workflowBundle(opts: CreateWorkerOptions): Promise<{ code: string }> {
  const options: BundleOptions = { workflowsPath: opts.bench?.workflowsPath, tracing: Boolean(opts.tracing) };
  if (!opts.bundleCacheDir) return bundleInChildProcess(options);
  const key = {
    ...options,
    workflowsPath: path.relative(path.dirname(workflowsPath), options.workflowsPath ?? workflowsPath),
  };
  return cachedBundle(opts.bundleCacheDir, key, () => bundleInChildProcess(options));
}

export async function createWorker(opts: CreateWorkerOptions): Promise<Amt24Worker> {
  const converter = dataConverter(opts.payloadCodec);
  const temporal =
    opts.deps.temporal ??
    new Client({
      connection: opts.connection,
      namespace: opts.namespace,
      dataConverter: converter,
      interceptors: tracingClientInterceptors(opts.tracing),
    });
  // One set of activities for both workers: they share the deps' pools and caches.
  const activities = { ...createActivities({ ...opts.deps, temporal }), ...opts.bench?.activities };
  const { maxConcurrentWaits, ...tuning } = opts.tuning ?? {};
  const heapLimit = heapLimitMiB();
  const warnung = cacheWarnung(tuning.maxCachedWorkflows, heapLimit);
  if (warnung) opts.deps.log.warn({ heapLimitMiB: Math.round(heapLimit) }, warnung);
  const common = {
    connection: opts.connection,
    namespace: opts.namespace,
    dataConverter: converter,
    activities,
    // Let running activities finish on shutdown, but never hang when the server is already gone.
    shutdownGraceTime: '10 seconds',
    shutdownForceTime: '20 seconds',
    // The id only (Worker Versioning stays off: no build-id based routing).
    ...(opts.buildId ? { buildId: opts.buildId } : {}),
  } as const;
  const main = await Worker.create({
    ...common,
    taskQueue: opts.taskQueue,
    workflowBundle: opts.workflowBundle ?? (await workflowBundle(opts)),
    maxConcurrentActivityTaskExecutions: DEFAULT_ACTIVITY_SLOTS,
    ...Object.fromEntries(Object.entries(tuning).filter(([, v]) => v !== undefined)),
    ...(opts.tracing ? tracingWorkerOptions(opts.tracing) : {}),
  });
  // Activities only: the waits sleep between reads, so their slots are many.
  const warten = await Worker.create({
    ...common,
    taskQueue: warteTaskQueue(opts.taskQueue),
    maxConcurrentActivityTaskExecutions: maxConcurrentWaits ?? DEFAULT_WAIT_SLOTS,
    ...(opts.tracing ? { interceptors: { activity: tracingWorkerOptions(opts.tracing).interceptors?.activity } } : {}),
  });
  return new Amt24Worker(main, warten);
}
