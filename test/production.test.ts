// The API process as the image runs it (NODE_ENV=production): no one-click demo sign-in without DEMO_LOGIN=1, and
// after AUTH_SECRET is rotated to "new,old" the status link mailed under the old master still opens the Antrag.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { antragStack, anwohnerparken, antragsteller, type AntragStack } from './harness/antrag';
import { demoToken, httpClient, type Api } from './harness/http';
import { freePort } from './harness/ports';
import { PAYLOAD_KEYS, uniqueId } from './harness/servers';
import { PARAMETER_KEY_MATERIAL, SECRET } from './harness/stack';
import { eventually } from './harness/wait';

const NEW_SECRET = 'rotated-secret-0123456789abcdef0123456789';

let h: AntragStack;
let child: ChildProcess | undefined;
let base: string;
let api: Api;
let stderr = '';

beforeAll(async () => {
  h = await antragStack();
  const port = await freePort();
  const dataDir = path.join(inject('testDataDir'), uniqueId('production'));
  fs.mkdirSync(dataDir, { recursive: true });
  child = spawn(process.execPath, ['--import', 'tsx', 'app/api.ts'], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      API_HOST: '127.0.0.1',
      API_PORT: String(port),
      AUTH_SECRET: `${NEW_SECRET},${SECRET}`,
      PARAMETER_KEY: PARAMETER_KEY_MATERIAL,
      PAYLOAD_KEYS,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      TEMPORAL_TASK_QUEUE: h.taskQueue,
      DATABASE_URL: h.databaseUrl,
      SMTP_URL: inject('smtpUrl'),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  base = `http://127.0.0.1:${port}`;
  api = httpClient(base, NEW_SECRET);
  await eventually(
    async () => child?.exitCode === null && (await fetch(`${base}/healthz`)).ok,
    60_000,
    'the production API',
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${stderr}`);
  });
}, 180_000);
afterAll(async () => {
  child?.kill('SIGTERM');
  await h?.close();
});

describe('the API in production', () => {
  it('offers no demo sign-in without DEMO_LOGIN=1', async () => {
    const page = await api('GET', '/anmelden');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Mit Token anmelden');
    expect(page.text).not.toContain('Demo-Benutzer');
    expect(page.text).not.toContain('name="benutzer"');

    // Posting a demo user anyway signs no one in.
    const cookie = /amt24_csrf=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')![1]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const post = await api('POST', '/anmelden', {
      rawBody: new URLSearchParams({ _csrf: csrf, benutzer: 'awb-sid', weiter: '/' }).toString(),
      contentType: 'application/x-www-form-urlencoded',
      headers: { cookie: `amt24_csrf=${cookie}` },
    });
    expect(post.status).toBe(400);
    expect(post.text).toContain('Diesen Demo-Benutzer gibt es hier nicht.');
    expect(post.headers.get('set-cookie') ?? '').not.toContain('amt24_sitzung');
  });

  it('opens a status link and takes a bearer token issued under the old master after rotating AUTH_SECRET', async () => {
    const akt = await h.aktivierung({ 'zustellung.modus': 'transfer-plain' });
    // Submitted on the stack, whose only master is the old one.
    const res = await h.submit({
      aktivierungId: akt,
      daten: anwohnerparken(),
      antragsteller: antragsteller(`${uniqueId('anna')}@example.org`),
    });
    expect(res.status).toBe(201);
    const { vorgangsnummer, statusToken } = res.body as { vorgangsnummer: string; statusToken: string };

    const status = await api('GET', `/api/status/${statusToken}`);
    expect(status.status).toBe(200);
    expect(status.body.vorgangsnummer).toBe(vorgangsnummer);
    const old = await api('GET', '/api/me', { token: await h.token('awb-sid') });
    expect(old.status).toBe(200);
    expect(old.body.id).toBe('awb-sid');
    // The production API signs with the new master: its token is not one the old stack would take.
    const fresh = await api('GET', '/api/me', { user: 'awb-sid' });
    expect(fresh.status).toBe(200);
    expect((await h.api('GET', '/api/me', { token: await demoToken(NEW_SECRET, 'awb-sid') })).status).toBe(401);
  });
});
