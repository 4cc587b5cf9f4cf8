// `npm start`: PostgreSQL, Temporal, the mail server, the worker and the API on their embedded defaults (or the
// configured external ones). Ctrl-C stops everything; starting again continues with the same data and workflows.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, migrateToLatest } from '../db/client';
import { seedDemoData } from '../db/seed';
import { tellDemoStory } from './demo-story';
import { SCHULEN } from '../domain/formular/schulanmeldung';
import { childProcessEnv, loadConfigOrExit } from '../runtime/config';
import { startMailServer, type MailServer } from '../runtime/mail-server';
import { startPostgres } from '../runtime/postgres';
import { StartupError } from '../runtime/startup-error';
import { supervise, type Supervised } from '../runtime/supervisor';
import { describeConnection } from '../runtime/temporal-connection';
import { startTemporal } from '../runtime/temporal-server';
import { FITCONNECT_SIM_CALLBACK_SECRET, FITCONNECT_SIM_SENDER } from '../app/external';
import { startEpayblSimulator } from '../simulators/epaybl/server';
import { startFitConnectSimulator } from '../simulators/fitconnect/server';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const config = loadConfigOrExit();

const t0 = performance.now();
const say = (line: string) => console.error(`[start] ${line}`);
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
const stops: (() => Promise<void>)[] = [];
const children = new Map<string, Supervised>();
let stopping = false;

async function main() {
  fs.mkdirSync(config.dataDir, { recursive: true });
  say(`data directory: ${config.dataDir}`);

  // allSettled: when one server cannot start, the others have come up (and registered their stop) or failed too,
  // so nothing is left running when this process ends.
  const started = await Promise.allSettled([
    startPostgres({
      url: config.database.url,
      dataDir: path.join(config.dataDir, 'postgres'),
      port: config.database.embeddedPort,
      log: say,
    }).then((s) => {
      stops.push(s.stop);
      say(`PostgreSQL ready (${s.origin}) after ${elapsed()}`);
      return s;
    }),
    (config.mail.url
      ? Promise.resolve<MailServer | undefined>(undefined)
      : startMailServer({
          dir: path.join(config.dataDir, 'mail'),
          smtpPort: config.mail.embeddedPort,
          viewPort: config.mail.viewPort,
        }).catch(
          portTaken((port) =>
            port === config.mail.viewPort
              ? ['The mail view', 'MAIL_VIEW_PORT', 'SMTP_URL to a relay']
              : ['The loopback SMTP server', 'SMTP_PORT', 'SMTP_URL to a relay'],
          ),
        )
    ).then((s) => {
      if (s) {
        stops.push(s.stop);
        say(`mail server ready after ${elapsed()}`);
      }
      return s;
    }),
    startTemporal({
      address: config.temporal.address,
      namespace: config.temporal.namespace,
      cliPath: config.temporal.cliPath,
      cacheDir: config.temporal.cacheDir,
      dbFilename: path.join(config.dataDir, 'temporal', 'temporal.db'),
      port: config.temporal.port,
      ui: true,
      uiPort: config.temporal.uiPort,
      envPath: config.temporal.searchPath,
      log: say,
    }).then((s) => {
      stops.push(s.stop);
      const origin = config.temporal.address
        ? describeConnection(config.temporal.connection, s.address, config.temporal.namespace)
        : s.origin;
      say(`Temporal ready (${origin}) after ${elapsed()}`);
      return s;
    }),
  ]);
  for (const r of started) if (r.status === 'rejected') throw r.reason;
  const [postgres, mail, temporal] = started.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [
    Awaited<ReturnType<typeof startPostgres>>,
    MailServer | undefined,
    Awaited<ReturnType<typeof startTemporal>>,
  ];

  // Simulators of the external systems, unless real endpoints are configured.
  const simulators: string[] = [];
  if (!config.epaybl.url) {
    const epaybl = await startEpayblSimulator({
      port: config.epaybl.simulatorPort,
      statePath: path.join(config.dataDir, 'epaybl-simulator.json'),
      paypageSettleMs: 1000,
    }).catch(portTaken(() => ['The ePayBL simulator', 'EPAYBL_SIM_PORT', 'EPAYBL_URL to the real ePayBL']));
    stops.push(epaybl.close);
    simulators.push(`  ePayBL (sim)    ${epaybl.url}   (pay page, /_sim/ control API)`);
  }
  let simCallbackSecret: string | undefined;
  if (!config.fitconnect.tokenUrl) {
    const fitconnect = await startFitConnectSimulator({
      port: config.fitconnect.simulatorPort,
      sender: FITCONNECT_SIM_SENDER,
    }).catch(
      portTaken(() => ['The FIT-Connect simulator', 'FITCONNECT_SIM_PORT', 'FITCONNECT_TOKEN_URL to FIT-Connect']),
    );
    // The demo activation "hundesteuer-leipzig" delivers here (Leistung 99050012104000).
    await fitconnect.createDestination({
      destinationId: 'demo-destination',
      services: [
        {
          identifier: 'urn:de:fim:leika:leistung:99050012104000',
          submissionSchemas: [{ schemaUri: 'urn:xoev-de:xfall:standard:antrag', mimeType: 'application/json' }],
        },
      ],
    });
    // Its callbacks to senders come to our API (the simulator takes plain http to loopback only).
    simCallbackSecret = config.fitconnect.callbackSecrets[0] ?? FITCONNECT_SIM_CALLBACK_SECRET;
    fitconnect.setSenderCallback('demo-destination', {
      url: `http://127.0.0.1:${config.api.port}/api/fitconnect/callback`,
      secret: simCallbackSecret,
    });
    stops.push(fitconnect.close);
    simulators.push(`  FIT-Connect    ${fitconnect.url}   (simulator, destination demo-destination)`);
  }

  const db = createDb(postgres.url, { max: 2 });
  const migrations = await migrateToLatest(db);
  const applied = migrations.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
  say(applied.length ? `migrations applied: ${applied.join(', ')}` : 'schema up to date');
  if (config.env !== 'production') {
    await seedDemoData(db);
    // Stand-ins for the authorities' shares: a missing Transferverzeichnis counts as an outage of the endpoint.
    for (const { id } of await db.selectFrom('aktivierung').select('id').execute()) {
      fs.mkdirSync(path.join(config.transferDir, id), { recursive: true });
    }
  }
  await db.destroy();

  const workerHealthPort = config.worker.healthPort ?? 3001;
  const childEnv = childProcessEnv({
    // `npm start` is the demo: one-click sign-in as any demo user, unless DEMO_LOGIN=0 says otherwise.
    DEMO_LOGIN: config.auth.demoLogin === 'off' ? '0' : '1',
    TEMPORAL_ADDRESS: temporal.address,
    DATABASE_URL: postgres.url,
    SMTP_URL: mail?.smtpUrl ?? config.mail.url,
    WORKER_HEALTH_PORT: String(workerHealthPort),
    ...(simCallbackSecret ? { FITCONNECT_CALLBACK_SECRET: simCallbackSecret } : {}),
    ...(temporal.uiUrl ? { TEMPORAL_UI_URL: temporal.uiUrl } : {}),
  });
  superviseChild('worker', 'app/worker.ts', childEnv);
  superviseChild('api', 'app/api.ts', childEnv);
  await waitForApi(`http://127.0.0.1:${config.api.port}/readyz`, 60_000);
  if (config.env !== 'production') {
    await tellDemoStory(`http://127.0.0.1:${config.api.port}`, config.auth.secrets, say);
    // The demo schools' folders stand in for their shares: each receives the Anmeldungen that chose it.
    for (const schule of SCHULEN) fs.mkdirSync(path.join(config.transferDir, schule.wert), { recursive: true });
  }

  const api = `http://localhost:${config.api.port}`;
  console.error(
    [
      '',
      `Amt24 Orchestrierung is up (${elapsed()}):`,
      `  API            ${api}`,
      `  API docs       ${api}/docs   (OpenAPI: ${api}/openapi.json)`,
      `  Temporal UI    ${temporal.uiUrl ?? '(external cluster: see its own UI)'}   (gRPC ${temporal.address})`,
      `  Mail view      ${mail?.viewUrl ?? `(external SMTP: ${config.mail.url})`}`,
      `  Worker health  http://localhost:${workerHealthPort}/readyz`,
      `  Metrics        ${api}/metrics   (worker: ${workerMetricsUrl() ?? 'off (WORKER_METRICS_PORT=0)'})`,
      ...simulators,
      `  Tokens         npm run tokens`,
      'Ctrl-C stops everything; `npm start` again continues where it stopped.',
      '',
    ].join('\n'),
  );
}

function workerMetricsUrl(): string | undefined {
  const m = config.telemetry.workerMetrics;
  return m && `http://${m.host === '0.0.0.0' ? 'localhost' : m.host}:${m.port}/metrics`;
}

function superviseChild(name: string, file: string, env: NodeJS.ProcessEnv) {
  children.set(
    name,
    supervise({
      name,
      command: process.execPath,
      args: ['--import', 'tsx', path.join(root, file)],
      cwd: root,
      env,
      log: say,
      maxCrashes: config.restartLimit,
      onGiveUp: (reason) => {
        say(reason);
        void shutdown('error', 1);
      },
    }),
  );
}

/** A port in use becomes one sentence naming the variable that moves it (what, variable, the alternative). */
function portTaken(name: (port: number | undefined) => [string, string, string]) {
  return (err: NodeJS.ErrnoException & { port?: number }): never => {
    if (err.code !== 'EADDRINUSE') throw err;
    const [what, variable, instead] = name(err.port);
    throw new StartupError(
      `${what} cannot listen on port ${err.port}: it is in use; set ${variable} to a free port, or ${instead}.`,
    );
  };
}

async function waitForApi(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`API not ready after ${timeoutMs / 1000} s (${url})`);
}

async function shutdown(signal: string, exitCode = 0) {
  if (stopping) return;
  stopping = true;
  say(`${signal === 'SIGTERM' ? 'stop requested' : signal}: stopping worker and API…`);
  // Each drains (the API its requests in flight, the worker its tasks) before Temporal and PostgreSQL go.
  await Promise.all([...children.values()].map((child) => child.stop('SIGTERM', 15_000)));
  say('stopping Temporal, mail and PostgreSQL…');
  for (const stop of stops.reverse()) await stop().catch((err) => say(`stop failed: ${(err as Error).message}`));
  say('stopped');
  process.exit(exitCode);
}

// A terminal's Ctrl-C signals the whole foreground process group. If PostgreSQL and Temporal received it
// directly they would die before the worker drains. So the supervisor runs detached in its own group and this
// foreground process only relays the signal and mirrors the exit code.
if (!isSupervisor()) {
  const supervisor = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    cwd: root,
    env: childProcessEnv({ AMT24_SUPERVISOR: '1' }),
    stdio: 'inherit',
    detached: true,
  });
  const relay = () => supervisor.kill('SIGTERM');
  process.on('SIGINT', relay);
  process.on('SIGTERM', relay);
  supervisor.on('exit', (code) => process.exit(code ?? 1));
} else {
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  main().catch(async (err) => {
    // One sentence, not a stack trace: a StartupError says what, why and what to change; anything else its
    // message (the stack with LOG_LEVEL=debug).
    const detail =
      err instanceof Error
        ? ['debug', 'trace'].includes(config.logLevel)
          ? (err.stack ?? err.message)
          : err.message
        : String(err);
    say(`start failed: ${detail}`);
    await shutdown('error', 1);
  });
}

function isSupervisor(): boolean {
  return config.supervisor;
}
