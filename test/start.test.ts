// `npm start` as a newcomer runs it: everything comes up, the URLs answer, Ctrl-C stops it cleanly, and a
// second start continues with the same data and the same running workflows.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { lifecycleStateQuery, lifecycleWorkflowId } from '../messages/onlinedienst';
import { loadConfig } from '../runtime/config';
import { dataConverter, EncryptionCodec } from '../runtime/payload-codec';
import { httpClient } from './harness/http';
import { freePort } from './harness/ports';
import { uniqueId } from './harness/servers';
import { eventually } from './harness/wait';

// DATA_DIR in a folder only its owner may enter, as a clone in root's home or a `mktemp -d` folder is.
const closedFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'amt24-start-'));
const dataDir = path.join(closedFolder, uniqueId('start'));
const ports = {
  API_PORT: await freePort(),
  TEMPORAL_PORT: await freePort(),
  TEMPORAL_UI_PORT: await freePort(),
  POSTGRES_PORT: await freePort(),
  SMTP_PORT: await freePort(),
  MAIL_VIEW_PORT: await freePort(),
  WORKER_HEALTH_PORT: await freePort(),
  WORKER_METRICS_PORT: await freePort(),
  EPAYBL_SIM_PORT: await freePort(),
  FITCONNECT_SIM_PORT: await freePort(),
};
const running: ChildProcess[] = [];
// `npm start` runs on the development payload key (no PAYLOAD_KEYS): its histories are encrypted with it.
const devCodec = dataConverter(new EncryptionCodec(loadConfig({}).payloadKeys));

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

type Api = ReturnType<typeof httpClient>;

/** What the AWB board, the Prozesseigner's inbox and the Sachbearbeitung's list show. */
async function demoStory(api: Api) {
  const ods = (await api('GET', '/api/onlinedienste', { user: 'awb-sid' })).body as {
    items: { onlinedienstId: string; phase: string }[];
  };
  const tasks = (await api('GET', '/api/onlinedienste/aufgaben', { user: 'pe-smk' })).body as {
    items: { onlinedienstId: string; taskId: string }[];
  };
  const antraege = (await api('GET', '/api/antraege', { user: 'sb-leipzig' })).body as {
    items: { aktivierung_id: string }[];
  };
  return {
    onlinedienste: ods.items.map((o) => `${o.onlinedienstId}:${o.phase}`).sort(),
    aufgaben: tasks.items.map((t) => `${t.onlinedienstId}:${t.taskId}`),
    antraege: antraege.items.map((a) => a.aktivierung_id).sort(),
  };
}

async function ctrlC(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  process.kill(-child.pid!, 'SIGINT');
  return exited;
}

afterAll(() => {
  for (const child of running) if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
  fs.rmSync(closedFolder, { recursive: true, force: true });
});

describe('npm start', () => {
  it('runs everything, stops on Ctrl-C and continues after a restart', async () => {
    const first = npmStart();
    await first.up;
    expect(first.output()).toContain(`API            http://localhost:${ports.API_PORT}`);
    expect(fs.statSync(closedFolder).mode & 0o777).toBe(0o700);
    // The start output names where PostgreSQL keeps its data; as root (CI), outside the closed folder.
    expect(first.output()).toMatch(
      process.getuid?.() === 0
        ? /PostgreSQL ready \(embedded PostgreSQL \(data \/var\/tmp\/amt24-0\/data-[0-9a-f]{16}; linked from /
        : /PostgreSQL ready \(embedded PostgreSQL \(data \//,
    );

    // The API as a newcomer's stack serves it, signed with the development secret.
    const api = httpClient(`http://127.0.0.1:${ports.API_PORT}`, 'dev-only-secret-change-me-0123456789abcdef');
    expect((await api('GET', '/readyz')).status).toBe(200);
    expect((await api('GET', '/docs')).status).toBe(200);
    // `npm start` is the demo: it turns on the one-click sign-in as any demo user (DEMO_LOGIN=1).
    expect((await api('GET', '/anmelden')).text).toContain('Als Demo-Benutzer anmelden');
    expect(first.output()).toContain(`worker: http://127.0.0.1:${ports.WORKER_METRICS_PORT}/metrics`);
    expect((await api('GET', '/metrics')).text).toMatch(/^amt24_domain_up 1$/m);
    expect((await fetch(`http://127.0.0.1:${ports.MAIL_VIEW_PORT}/`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${ports.TEMPORAL_UI_PORT}/`)).status).toBe(200);
    expect(first.output()).toContain(`Worker health  http://localhost:${ports.WORKER_HEALTH_PORT}/readyz`);
    await eventually(
      async () => (await fetch(`http://127.0.0.1:${ports.WORKER_HEALTH_PORT}/readyz`)).status === 200,
      30_000,
      'worker ready',
    );

    // The demo story: what a newcomer sees on the boards right after the first start.
    const story = await demoStory(api);
    expect(story.onlinedienste).toEqual(['anwohnerparken:betrieb', 'hundesteuer:betrieb', 'schulanmeldung:test']);
    // The Blaupause Schulanmeldung waits in Test with its version 1.0 on the Entwicklungssystem.
    const stages = await api('GET', '/api/onlinedienste/schulanmeldung/stages', { user: 'pm-seitenbau' });
    expect(stages.body.items.map((s: any) => `${s.stage}:${s.version}`)).toEqual(['entwicklung:1.0']);
    const live = await api('GET', '/api/onlinedienste/schulanmeldung', { user: 'tt-sid' });
    expect(live.body.openTasks.map((t: any) => t.id)).toContain('test-durchfuehren');
    expect(story.antraege).toEqual(['anwohnerparken-leipzig', 'hundesteuer-leipzig']);

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
    const client = new Client({ connection, dataConverter: devCodec });
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
    // Telling the story again adds nothing: no second import, no second demo Antrag.
    expect(second.output()).not.toContain('demo story:');
    const retold = await demoStory(api);
    expect(retold.onlinedienste).toEqual(story.onlinedienste.concat(`${id}:klaerung`).sort());
    expect(retold.antraege).toEqual(story.antraege);
    // The same run goes on after the restart: the task opened before it is completed now, through the API.
    const done = await api('POST', `/api/onlinedienste/${id}/aufgaben/ist-prozess`, {
      user: 'pe-smk',
      body: { istProzess: 'BPMN', eAkte: true, bescheidUebermittlung: 'postfach' },
    });
    expect(done.status).toBe(200);
    expect((done.body as { status: string }).status).toBe('erledigt');
    const again = await Connection.connect({ address: `127.0.0.1:${ports.TEMPORAL_PORT}` });
    const resumedHandle = new Client({ connection: again, dataConverter: devCodec }).workflow.getHandle(
      lifecycleWorkflowId(id),
    );
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
