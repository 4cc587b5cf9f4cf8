// `npm start` as a newcomer runs it: everything comes up, the URLs answer, Ctrl-C stops it cleanly, and a
// second start continues with the same data and the same running workflows.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { lifecycleStateQuery, lifecycleWorkflowId } from '../messages/onlinedienst';
import { httpClient } from './harness/http';
import { freePort } from './harness/ports';
import { uniqueId } from './harness/servers';
import { eventually } from './harness/wait';

const dataDir = path.join(inject('testDataDir'), uniqueId('start'));
const ports = {
  API_PORT: await freePort(),
  TEMPORAL_PORT: await freePort(),
  TEMPORAL_UI_PORT: await freePort(),
  POSTGRES_PORT: await freePort(),
  SMTP_PORT: await freePort(),
  MAIL_VIEW_PORT: await freePort(),
  WORKER_METRICS_PORT: await freePort(),
  EPAYBL_SIM_PORT: await freePort(),
  FITCONNECT_SIM_PORT: await freePort(),
};
const running: ChildProcess[] = [];

function npmStart(): { child: ChildProcess; output: () => string; up: Promise<void> } {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    },
    detached: true, // its own process group, so a signal to the group is what Ctrl-C in a terminal does
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  const up = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('is up')) resolve();
      if (out.includes('start failed')) reject(new Error(out));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited early (${code}):\n${out}`)));
  });
  return { child, output: () => out, up };
}

async function ctrlC(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  process.kill(-child.pid!, 'SIGINT');
  return exited;
}

afterAll(() => {
  for (const child of running) if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
});

describe('npm start', () => {
  it('runs everything, stops on Ctrl-C and continues after a restart', async () => {
    const first = npmStart();
    await first.up;
    expect(first.output()).toContain(`API            http://localhost:${ports.API_PORT}`);

    // The API as a newcomer's stack serves it, signed with the development secret.
    const api = httpClient(`http://127.0.0.1:${ports.API_PORT}`, 'dev-only-secret-change-me-0123456789abcdef');
    expect((await api('GET', '/readyz')).status).toBe(200);
    expect((await api('GET', '/docs')).status).toBe(200);
    expect(first.output()).toContain(`worker: http://127.0.0.1:${ports.WORKER_METRICS_PORT}/metrics`);
    expect((await api('GET', '/metrics')).text).toMatch(/^amt24_domain_up 1$/m);
    expect((await fetch(`http://127.0.0.1:${ports.MAIL_VIEW_PORT}/`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${ports.TEMPORAL_UI_PORT}/`)).status).toBe(200);

    const put = await api('PUT', '/api/mandanten/goerlitz', { user: 'pl-sk', body: { name: 'Stadt Görlitz' } });
    expect(put.status).toBe(200);

    // A lifecycle started through the API, waiting for its first tasks when the stack stops.
    const id = uniqueId('across-restart');
    const created = await api('POST', '/api/onlinedienste', {
      user: 'pe-smk',
      body: {
        id,
        name: 'vor dem Neustart begonnen',
        mandantId: 'leipzig',
        kontakte: { prozesseigner: `${id}@example.org` },
      },
    });
    expect(created.status).toBe(201);
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.TEMPORAL_PORT}` });
    const client = new Client({ connection });
    const handle = client.workflow.getHandle(lifecycleWorkflowId(id));
    await eventually(
      async () => (await handle.query(lifecycleStateQuery)).openTasks.some((t) => t.id === 'ist-prozess'),
      60_000,
      'worker picked up the workflow',
    );
    const { runId } = await handle.describe();
    await connection.close();

    expect(await ctrlC(first.child)).toBe(0);
    expect(first.output()).toContain('[start] stopped');
    expect(fs.existsSync(path.join(dataDir, 'temporal', 'temporal.db'))).toBe(true);

    const second = npmStart();
    await second.up;
    expect(second.output()).toContain('schema up to date');
    // The same run goes on after the restart: the task opened before it is completed now, through the API.
    const done = await api('POST', `/api/onlinedienste/${id}/aufgaben/ist-prozess`, {
      user: 'pe-smk',
      body: { istProzess: 'BPMN', eAkte: true, bescheidUebermittlung: 'postfach' },
    });
    expect(done.status).toBe(200);
    expect((done.body as { status: string }).status).toBe('erledigt');
    const again = await Connection.connect({ address: `127.0.0.1:${ports.TEMPORAL_PORT}` });
    const resumedHandle = new Client({ connection: again }).workflow.getHandle(lifecycleWorkflowId(id));
    expect((await resumedHandle.describe()).runId).toBe(runId);
    const resumed = await resumedHandle.query(lifecycleStateQuery);
    expect(resumed.name).toBe('vor dem Neustart begonnen');
    expect(resumed.completedTasks.map((t) => t.id)).toEqual(['ist-prozess']);
    await again.close();

    const mandant = await api('GET', '/api/mandanten/goerlitz', { user: 'pl-sk' });
    expect((mandant.body as { name: string }).name).toBe('Stadt Görlitz');
    expect(await ctrlC(second.child)).toBe(0);
  }, 180_000);
});
