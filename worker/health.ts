// The worker's own health, on a small HTTP endpoint of its own (the worker serves no API): whether it polls its
// task queue, whether Temporal answers, and when it last finished a workflow task and an activity task.
//   GET /healthz  liveness: 200 unless the worker has failed or stopped
//   GET /readyz   readiness: 200 while both pollers poll and Temporal answers its health check, else 503.
//                 External systems (ePayBL's isAlive) are reported, not required: one that is down turns the answer
//                 into 200 "degraded" naming it. The worker pulls its work from Temporal and rides out an outage by
//                 retrying, while it still delivers, mails and processes everything else; a load balancer or an
//                 orchestrator that took it out of service for ePayBL being down would only stop that work too.
import http from 'node:http';
import type net from 'node:net';
import type { NativeConnection } from '@temporalio/worker';
import type { Amt24Worker } from './worker';

export interface WorkerHealthOptions {
  /** both workers: the task queue's and the wait queue's (worker/worker.ts) */
  worker: Pick<Amt24Worker, 'main' | 'warten'>;
  connection: NativeConnection;
  taskQueue: string;
  host: string;
  port: number;
  /** External systems reported on /readyz (never failing it). */
  dependencies?: HealthDependency[];
}

export type DependencyState =
  { status: 'up' } | { status: 'down'; problem: string } | { status: 'unchecked'; reason: string };

export interface HealthDependency {
  name: string;
  check(): Promise<DependencyState>;
}

export interface WorkerHealth {
  url: string;
  close(): Promise<void>;
}

export async function startWorkerHealth(opts: WorkerHealthOptions): Promise<WorkerHealth> {
  const { main: worker, warten } = opts.worker;
  let lastWorkflowTaskAt: string | null = null;
  let lastActivityTaskAt: string | null = null;
  // A count that goes down is a task that has just finished (completed or failed).
  const finished = (record: () => void) => {
    let previous = 0;
    return (n: number) => {
      if (n < previous) record();
      previous = n;
    };
  };
  const subscriptions = [
    worker.numInFlightActivations$.subscribe(finished(() => (lastWorkflowTaskAt = new Date().toISOString()))),
    worker.numInFlightActivities$.subscribe(finished(() => (lastActivityTaskAt = new Date().toISOString()))),
  ];

  const temporalReachable = async (): Promise<string | undefined> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        opts.connection.healthService.check({}),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('no answer within 3000 ms')), 3000))),
      ]);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    } finally {
      clearTimeout(timer);
    }
  };

  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const status = worker.getStatus();
    const wartenStatus = warten.getStatus();
    const state = {
      taskQueue: opts.taskQueue,
      runState: status.runState,
      workflowPoller: status.workflowPollerState,
      activityPoller: status.activityPollerState,
      lastWorkflowTaskAt,
      lastActivityTaskAt,
      inFlight: {
        workflowActivations: status.numInFlightWorkflowActivations,
        activities: status.numInFlightActivities,
      },
      cachedWorkflows: status.numCachedWorkflows,
      warten: {
        runState: wartenStatus.runState,
        activityPoller: wartenStatus.activityPollerState,
        activities: wartenStatus.numInFlightActivities,
      },
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') return reply(405, { status: 'method not allowed' });
    if (path === '/healthz') {
      const alive = [status, wartenStatus].every((st) => st.runState !== 'FAILED' && st.runState !== 'STOPPED');
      return reply(alive ? 200 : 503, { status: alive ? 'ok' : 'down', ...state });
    }
    if (path === '/readyz') {
      const dependencies = opts.dependencies ?? [];
      void Promise.all([
        temporalReachable(),
        Promise.all(
          dependencies.map((d) =>
            d.check().catch((err: unknown): DependencyState => ({ status: 'down', problem: (err as Error).message })),
          ),
        ),
      ]).then(([temporalError, states]) => {
        const problems = [
          ...(status.runState === 'RUNNING' ? [] : [`worker ${status.runState}`]),
          ...(status.workflowPollerState === 'POLLING' ? [] : [`workflow poller ${status.workflowPollerState}`]),
          ...(status.activityPollerState === 'POLLING' ? [] : [`activity poller ${status.activityPollerState}`]),
          ...(wartenStatus.runState === 'RUNNING' ? [] : [`wait worker ${wartenStatus.runState}`]),
          ...(wartenStatus.activityPollerState === 'POLLING'
            ? []
            : [`wait queue poller ${wartenStatus.activityPollerState}`]),
          ...(temporalError ? [`temporal: ${temporalError}`] : []),
        ];
        const degraded = dependencies.flatMap((d, i) => {
          const st = states[i];
          return st?.status === 'down' ? [`${d.name}: ${st.problem}`] : [];
        });
        reply(problems.length ? 503 : 200, {
          status: problems.length ? 'not ready' : degraded.length ? 'degraded' : 'ready',
          ...(problems.length ? { problems } : {}),
          ...(degraded.length ? { degraded } : {}),
          dependencies: Object.fromEntries(dependencies.map((d, i) => [d.name, states[i]])),
          ...state,
        });
      });
      return;
    }
    reply(404, { status: 'not found', paths: ['/healthz', '/readyz'] });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`,
    async close() {
      for (const s of subscriptions) s.unsubscribe();
      await new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
    },
  };
}
