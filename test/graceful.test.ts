// The processes as production runs them: the API's readiness asks only what the API uses (no SMTP), the API
// drains a request in flight on SIGTERM before it exits, and the worker answers for itself on a health port.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { lifecycleStateQuery } from '../messages/onlinedienst';
import { startBestand } from './harness/lifecycle';
import { freePort } from './harness/ports';
import { uniqueId } from './harness/servers';
import { SECRET, startStack } from './harness/stack';
import { eventually } from './harness/wait';

const s = await startStack({ name: 'graceful', seed: false, worker: false, api: false });
const running: ChildProcess[] = [];
const blackholes: net.Server[] = [];

afterAll(async () => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const b of blackholes) b.close();
  await s.close();
});

/** app/api.ts as a child process; resolves once it listens. */
async function spawnApi(env: Record<string, string>) {
  const port = await freePort();
  const dataDir = path.join(inject('testDataDir'), uniqueId('api-data'));
  fs.mkdirSync(dataDir, { recursive: true });
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/api.ts'], {
    env: {
      PATH: process.env.PATH,
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      DATABASE_URL: s.databaseUrl,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      AUTH_SECRET: SECRET,
      API_PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('"msg":"api listening"')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`api exited early (${code}):\n${out}`)));
  });
  return { child, base: `http://127.0.0.1:${port}`, exited, output: () => out };
}

/** A TCP port that accepts connections and never answers; resolves `connected` at the first connection. */
async function blackhole() {
  let connected!: () => void;
  const firstConnection = new Promise<void>((resolve) => (connected = resolve));
  const server = net.createServer(() => connected());
  blackholes.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`, firstConnection };
}

describe('API process', () => {
  it('is ready with no SMTP server anywhere: its readiness checks Temporal and PostgreSQL only', async () => {
    const api = await spawnApi({ SMTP_URL: `smtp://127.0.0.1:${await freePort()}` });
    const res = await fetch(`${api.base}/readyz`);
    const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(res.status).toBe(200);
    expect(body.status).toBe('ready');
    expect(Object.keys(body.checks).sort()).toEqual(['postgres', 'temporal']);
    api.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
  });

  it('on SIGTERM finishes the request in flight, then exits', async () => {
    // Temporal that never answers: /readyz waits for it (up to its 3 s check timeout) — a slow request.
    const temporal = await blackhole();
    const api = await spawnApi({ TEMPORAL_ADDRESS: temporal.address });
    const inFlight = fetch(`${api.base}/readyz`);
    await temporal.firstConnection; // the request is being handled now
    api.child.kill('SIGTERM');
    const res = await inFlight;
    const body = (await res.json()) as { detail: string; checks: Record<string, { ok: boolean }> };
    expect(res.status).toBe(503);
    expect(body.detail).toBe('Unreachable: temporal');
    expect(body.checks.postgres?.ok).toBe(true);
    expect(await api.exited).toBe(0);
    expect(api.output()).toContain('"msg":"api stopping: draining requests in flight"');
    expect(api.output()).toMatch(/"drained":true,"msg":"api stopped"/);
  });
});

describe('worker process', () => {
  it('reports on its own health port: polling, and when it last finished a workflow and an activity task', async () => {
    const port = await freePort();
    const worker = s.spawnWorkerProcess({ WORKER_HEALTH_PORT: String(port), WORKER_HEALTH_HOST: '127.0.0.1' });
    const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
    const health = async (p: '/healthz' | '/readyz') => {
      const res = await fetch(`http://127.0.0.1:${port}${p}`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const ready = await eventually(
      async () => {
        const r = await health('/readyz').catch(() => undefined);
        return r?.status === 200 ? r : undefined;
      },
      60_000,
      'worker health ready',
    );
    expect(ready.body).toMatchObject({
      status: 'ready',
      taskQueue: s.taskQueue,
      runState: 'RUNNING',
      workflowPoller: 'POLLING',
      activityPoller: 'POLLING',
      lastWorkflowTaskAt: null,
      lastActivityTaskAt: null,
    });

    const id = uniqueId('od-health');
    const startedAt = Date.now();
    const handle = await startBestand(s, id, 'hält den Worker beschäftigt');
    await eventually(
      async () => (await handle.query(lifecycleStateQuery)).phase === 'betrieb',
      60_000,
      'worker ran the workflow',
    );
    const after = await eventually(
      async () => {
        const r = await health('/healthz');
        return r.body.lastWorkflowTaskAt && r.body.lastActivityTaskAt ? r : undefined;
      },
      30_000,
      'last task times reported',
    );
    expect(after.status).toBe(200);
    expect(after.body.status).toBe('ok');
    // Both times are of this workflow's tasks, after it was started.
    expect(Date.parse(after.body.lastWorkflowTaskAt as string)).toBeGreaterThanOrEqual(startedAt);
    expect(Date.parse(after.body.lastActivityTaskAt as string)).toBeGreaterThanOrEqual(startedAt);
    await handle.terminate('test done');

    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
