// The servers a bench runs on, all its own: Temporal dev server, PostgreSQL, SMTP and the ePayBL simulator, the
// demo data plus a fee-free transfer activation, and worker and API as child processes configured from the
// environment, as in production.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, migrateToLatest } from '../../db/client';
import { seedDemoData } from '../../db/seed';
import { childProcessEnv, type Config } from '../../runtime/config';
import { startMailServer } from '../../runtime/mail-server';
import { startPostgres } from '../../runtime/postgres';
import { startTemporal } from '../../runtime/temporal-server';
import { startEpayblSimulator } from '../../simulators/epaybl/server';
import { freePort } from './load';

export const BENCH_AUTH_SECRET = 'bench-secret-0123456789abcdef0123456789';
/** Delivered over the plain Transferverzeichnis, no fee: receipt and delivery only. */
export const OHNE_GEBUEHR = 'bench-ohne-gebuehr';
/** The demo's paid Anwohnerparken in Leipzig (30,50 €, plain Transferverzeichnis), polled every 200 ms. */
export const MIT_GEBUEHR = 'anwohnerparken-leipzig';

export type BenchDb = ReturnType<typeof createDb>;

export async function startBenchServices(config: Config, opts: { fairness?: boolean } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amt24-bench-'));
  fs.chmodSync(dir, 0o755);
  const stops: (() => Promise<void>)[] = [];
  const children = new Set<ChildProcess>();
  const [temporal, postgres, mail, epaybl] = await Promise.all([
    startTemporal({
      namespace: 'default',
      cliPath: config.temporal.cliPath,
      cacheDir: config.temporal.cacheDir,
      envPath: config.temporal.searchPath,
      fairness: opts.fairness,
    }),
    startPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), temporary: true }),
    startMailServer({ dir: path.join(dir, 'mail') }),
    startEpayblSimulator({ paypageSettleMs: 0 }),
  ]);
  stops.push(temporal.stop, postgres.stop, mail.stop, epaybl.close);
  const db = createDb(postgres.url, { max: 4 });
  await migrateToLatest(db);
  await seedDemoData(db);
  await db
    .insertInto('aktivierung')
    .values({
      id: OHNE_GEBUEHR,
      onlinedienst_id: 'anwohnerparken',
      mandant_id: 'dresden',
      oe_id: 'oe-dresden-buergeramt',
      leistung_id: '99102013000000',
      status: 'aktiv',
    })
    .execute();
  await db
    .insertInto('prozessparameter')
    .values([
      {
        aktivierung_id: OHNE_GEBUEHR,
        key: 'zustellung.modus',
        value: 'transfer-plain',
        value_encrypted: null,
        protected: false,
      },
      {
        aktivierung_id: MIT_GEBUEHR,
        key: 'frist.zahlungAbfrage',
        value: '200ms',
        value_encrypted: null,
        protected: false,
      },
    ])
    .onConflict((oc) => oc.columns(['aktivierung_id', 'key']).doUpdateSet({ value: '200ms' }))
    .execute();
  const dataDir = path.join(dir, 'data');
  const transferDir = (aktivierungId: string) => path.join(dataDir, 'transfer', aktivierungId);
  for (const id of [OHNE_GEBUEHR, MIT_GEBUEHR]) fs.mkdirSync(transferDir(id), { recursive: true });

  const baseEnv = {
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: temporal.address,
    DATABASE_URL: postgres.url,
    SMTP_URL: mail.smtpUrl,
    EPAYBL_URL: epaybl.soapUrl,
    EPAYBL_PAYPAGE_URL: epaybl.paypageUrl,
    AUTH_SECRET: BENCH_AUTH_SECRET,
    WORKER_METRICS_PORT: '0', // several workers, and other services on this machine
  };

  /** Starts `entry` (app/worker.ts, app/api.ts, scripts/bench/worker.ts) with the bench's environment. */
  function spawnChild(entry: string, env: Record<string, string> = {}, nodeArgs: string[] = []): ChildProcess {
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry], {
      env: childProcessEnv({ ...baseEnv, ...env }),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout!.resume();
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  }

  /** An API process on a port of its own; resolves when its /readyz answers. */
  async function startApi(env: Record<string, string> = {}, nodeArgs: string[] = []) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawnChild('app/api.ts', { API_PORT: String(port), PUBLIC_BASE_URL: url, ...env }, nodeArgs);
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${url}/readyz`)).ok) break;
      } catch {
        // not yet
      }
      if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}`);
      if (i > 300) throw new Error('API did not become ready');
      await new Promise((r) => setTimeout(r, 200));
    }
    return { url, child };
  }

  return {
    dir,
    db,
    temporal,
    postgres,
    mail,
    epaybl,
    transferDir,
    spawnChild,
    startApi,
    async stop() {
      for (const child of children) child.kill('SIGTERM');
      await Promise.all(
        [...children].map(
          (c) => new Promise((r) => (c.exitCode !== null || c.signalCode ? r(null) : c.once('exit', r))),
        ),
      );
      await db.destroy().catch(() => undefined);
      for (const stop of stops) await stop().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type BenchServices = Awaited<ReturnType<typeof startBenchServices>>;

/** The Anwohnerparken Antrag every bench submits, for the activation given. */
export function benchAntrag(aktivierungId: string) {
  return {
    aktivierungId,
    daten: {
      kennzeichen: 'DD-AB 123',
      halter: 'selbst',
      wohnadresse: { strasse: 'Altmarkt', hausnummer: '1', plz: '01067', ort: 'Dresden' },
      zone: 'A1',
      gueltigAb: '2027-01-01',
    },
    antragsteller: { name: 'Bench Mark', email: 'bench@example.org' },
  };
}

/** A submission of the Anwohnerparken form as the demo citizen, through one API process. */
export function submitter(token: string) {
  return async (
    api: string,
    aktivierungId: string,
    key: string,
  ): Promise<{ vorgangsnummer: string; status: number }> => {
    const res = await fetch(`${api}/api/antraege`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(benchAntrag(aktivierungId)),
    });
    if (res.status !== 201 && res.status !== 200) throw new Error(`submit ${res.status}: ${await res.text()}`);
    return { vorgangsnummer: ((await res.json()) as { vorgangsnummer: string }).vorgangsnummer, status: res.status };
  };
}
