// bench:release, the figures: a table for people and, as the last line, one line of JSON.
import { seconds } from './load';

const RATIO_TARGET = 0.8;

export interface SizeResult {
  n: number;
  /** preparation, not timed: N lifecycles started in Betrieb */
  importMs: number;
  /** release published → every lifecycle has its re-check task open (recorded in its projection) */
  openMs: number;
  openPerSecond: number;
  /** release published → the campaign has signalled every lifecycle */
  fanOutMs: number;
  fanOutPerSecond: number;
  /** raw: client.workflow.signal to N idle workflows */
  rawSignalMs: number;
  rawPerSecond: number;
  /** for comparison: until the worker has also processed those N signals */
  rawProcessedMs: number;
  rawProcessedPerSecond: number;
  /** openPerSecond / rawPerSecond (target ≥ 0.8) */
  ratio: number;
  fanOutRatio: number;
  ratioToProcessed: number;
  targetMs: number | null;
  withinTarget: boolean | null;
  workerRssMb: number;
}

export interface BenchSetup {
  cpus: number;
  concurrency: number;
  /** the dev server's `matching.enableFairness` */
  fairness: boolean;
  worker: { maxConcurrentWorkflowTaskExecutions: number } & Record<string, number>;
}

export function printReport(results: SizeResult[], setup: BenchSetup): void {
  console.log('');
  console.log(
    'n       every task open  target     tasks/s  fan-out   raw signal  signals/s  +processed  ratio  fan-out ratio  ratio to processed',
  );
  for (const r of results) {
    console.log(
      `${String(r.n).padEnd(7)} ${seconds(r.openMs).padEnd(16)} ${(r.targetMs === null ? '–' : `≤ ${seconds(r.targetMs)}`).padEnd(10)} ${String(r.openPerSecond).padEnd(8)} ` +
        `${seconds(r.fanOutMs).padEnd(9)} ${seconds(r.rawSignalMs).padEnd(11)} ${String(r.rawPerSecond).padEnd(10)} ${seconds(r.rawProcessedMs).padEnd(11)} ` +
        `${String(r.ratio).padEnd(6)} ${String(r.fanOutRatio).padEnd(14)} ${r.ratioToProcessed}`,
    );
  }
  console.log(
    `limits: ${setup.cpus} CPU cores shared by the Temporal dev server (SQLite), PostgreSQL and one worker process ` +
      `(one workflow thread, ${setup.worker.maxConcurrentWorkflowTaskExecutions} workflow task slots); every re-check is one workflow task per ` +
      `Onlinedienst, so the worker's workflow-task throughput, not the signalling, bounds "every task open".`,
  );
  const summary = {
    bench: 'release',
    cpus: setup.cpus,
    concurrency: setup.concurrency,
    fairness: setup.fairness,
    worker: setup.worker,
    targets: { '1180': '≤ 10 s', '10000': '≤ 60 s', ratio: `≥ ${RATIO_TARGET} × raw signal rate` },
    results,
    met: {
      time: results.every((r) => r.withinTarget !== false),
      ratio: results.every((r) => r.ratio >= RATIO_TARGET),
      fanOutRatio: results.every((r) => r.fanOutRatio >= RATIO_TARGET),
    },
  };
  console.log(JSON.stringify(summary));
}
