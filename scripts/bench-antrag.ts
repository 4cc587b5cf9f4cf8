// npm run bench:antrag — submit latency next to a bare workflow.start, end-to-end Anträge per second next to a
// minimal workflow with the same number of activities, and Temporal actions per paid and delivered Antrag.
// Everything runs here: its own Temporal dev server, PostgreSQL, SMTP and ePayBL simulator; worker and API as
// child processes (as in production; the worker is scripts/bench/worker.ts, production's with the bench bundle
// entry), the load generator in this process. Ends with one line of JSON.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import { demoUsers, signToken } from '../api/auth';
import { deriveKeys } from '../runtime/keys';
import { createDb, migrateToLatest } from '../db/client';
import { seedDemoData } from '../db/seed';
import { antragWorkflowId } from '../domain/vorgangsnummer';
import { childProcessEnv, loadConfigOrExit } from '../runtime/config';
import { dataConverter, EncryptionCodec } from '../runtime/payload-codec';
import { startMailServer } from '../runtime/mail-server';
import { startPostgres } from '../runtime/postgres';
import { startTemporal } from '../runtime/temporal-server';
import { startEpayblSimulator } from '../simulators/epaybl/server';
import { concurrently, freePort, openLoop, percentile, round, say } from './bench/load';

const RATE = 100; // submissions per second
const SECONDS = Number(process.argv[2] ?? 10);
const E2E_COUNT = Number(process.argv[3] ?? 300);
const AUTH_SECRET = 'bench-secret-0123456789abcdef0123456789';

const config = loadConfigOrExit();
const log = say;

type Db = ReturnType<typeof createDb>;
async function deliveredCount(db: Db): Promise<number> {
  return Number(
    (await sql<{ n: string }>`select count(*) as n from zustellung where zugestellt_am is not null`.execute(db))
      .rows[0]!.n,
  );
}

/** Waits until deliveries stop changing for a second: the previous phase has drained. */
async function idleDeliveries(db: Db): Promise<number> {
  for (;;) {
    const before = await deliveredCount(db);
    await new Promise((r) => setTimeout(r, 1000));
    const after = await deliveredCount(db);
    if (after === before) return after;
  }
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amt24-bench-'));
  fs.chmodSync(dir, 0o755);
  const children: ChildProcess[] = [];
  const stops: (() => Promise<void>)[] = [];
  try {
    log('starting Temporal, PostgreSQL, SMTP, ePayBL simulator…');
    const [temporal, postgres, mail, epaybl] = await Promise.all([
      startTemporal({
        namespace: 'default',
        cliPath: config.temporal.cliPath,
        cacheDir: config.temporal.cacheDir,
        envPath: config.temporal.searchPath,
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
        id: 'bench-ohne-gebuehr',
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
          aktivierung_id: 'bench-ohne-gebuehr',
          key: 'zustellung.modus',
          value: 'transfer-plain',
          value_encrypted: null,
          protected: false,
        },
        {
          aktivierung_id: 'anwohnerparken-leipzig',
          key: 'frist.zahlungAbfrage',
          value: '200ms',
          value_encrypted: null,
          protected: false,
        },
      ])
      .onConflict((oc) => oc.columns(['aktivierung_id', 'key']).doUpdateSet({ value: '200ms' }))
      .execute();
    const dataDir = path.join(dir, 'data');
    for (const id of ['bench-ohne-gebuehr', 'anwohnerparken-leipzig'])
      fs.mkdirSync(path.join(dataDir, 'transfer', id), { recursive: true });

    const apiPort = await freePort();
    const env = childProcessEnv({
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      TEMPORAL_ADDRESS: temporal.address,
      DATABASE_URL: postgres.url,
      SMTP_URL: mail.smtpUrl,
      EPAYBL_URL: epaybl.soapUrl,
      EPAYBL_PAYPAGE_URL: epaybl.paypageUrl,
      AUTH_SECRET,
      API_PORT: String(apiPort),
      PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}`,
    });
    // The worker is production's with the bench bundle entry (production workflows plus minimalWorkflow).
    for (const entry of ['scripts/bench/worker.ts', 'app/api.ts']) {
      const child = spawn(process.execPath, ['--import', 'tsx', entry], {
        env,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(child);
    }
    const api = `http://127.0.0.1:${apiPort}`;
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${api}/readyz`)).ok) break;
      } catch {
        // not yet
      }
      if (i > 300) throw new Error('API did not become ready');
      await new Promise((r) => setTimeout(r, 200));
    }
    const connection = await Connection.connect({ address: temporal.address });
    // The children encrypt with the same PAYLOAD_KEYS (they inherit this environment).
    const client = new Client({ connection, dataConverter: dataConverter(new EncryptionCodec(config.payloadKeys)) });
    const token = await signToken(
      deriveKeys([AUTH_SECRET]).bearer,
      demoUsers.find((u) => u.id === 'buerger-anna')!,
    );
    const submit = async (aktivierungId: string, key: string) => {
      const res = await fetch(`${api}/api/antraege`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({
          aktivierungId,
          daten: {
            kennzeichen: 'DD-AB 123',
            halter: 'selbst',
            wohnadresse: { strasse: 'Altmarkt', hausnummer: '1', plz: '01067', ort: 'Dresden' },
            zone: 'A1',
            gueltigAb: '2027-01-01',
          },
          antragsteller: { name: 'Bench Mark', email: 'bench@example.org' },
        }),
      });
      if (res.status !== 201 && res.status !== 200) throw new Error(`submit ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { vorgangsnummer: string }).vorgangsnummer;
    };

    // Warm-up: the worker bundles and caches, the server creates its task queues.
    await client.workflow.execute('minimalWorkflow', { workflowId: 'warmup-minimal', taskQueue: 'amt24', args: [2] });
    for (let i = 0; i < 20; i++) await submit('bench-ohne-gebuehr', `warmup-${i}`);

    // Idle baseline, one at a time: what each path costs without any backlog.
    const idleBare: number[] = [];
    const idleSubmit: number[] = [];
    for (let i = 0; i < 50; i++) {
      let t = performance.now();
      await client.workflow.start('minimalWorkflow', { workflowId: `idle-bare-${i}`, taskQueue: 'amt24', args: [0] });
      idleBare.push(performance.now() - t);
      t = performance.now();
      await submit('bench-ohne-gebuehr', `idle-${i}`);
      idleSubmit.push(performance.now() - t);
    }

    const count = RATE * SECONDS;
    // The bare start launches the same antragWorkflow on rows inserted beforehand (untimed), so the worker does
    // the same work in both phases and the ratio shows what the submit path (HTTP, validation, PostgreSQL) adds.
    const vorlage = await db
      .selectFrom('antrag')
      .selectAll()
      .where('vorgangsnummer', '=', await submit('bench-ohne-gebuehr', 'vorlage'))
      .executeTakeFirstOrThrow();
    const bareVn = (i: number) => `A24-BARE${String(i).padStart(6, '0')}`;
    for (let i = 0; i < count; i += 500) {
      await db
        .insertInto('antrag')
        .values(
          Array.from({ length: Math.min(500, count - i) }, (_, j) => ({
            ...vorlage,
            vorgangsnummer: bareVn(i + j),
            payload_hash: `bare-${i + j}`,
            status: 'angenommen',
            zustell_status: 'ausstehend',
            form_data: JSON.stringify(vorlage.form_data),
            antragsteller: JSON.stringify(vorlage.antragsteller),
          })),
        )
        .execute();
    }
    await idleDeliveries(db);
    log(`bare workflow.start of antragWorkflow: ${count} at ${RATE}/s…`);
    const bare = await openLoop(count, RATE, async (i) => {
      const vn = bareVn(i);
      await client.workflow.start('antragWorkflow', {
        workflowId: antragWorkflowId(vn),
        taskQueue: 'amt24',
        workflowIdConflictPolicy: 'USE_EXISTING',
        args: [
          {
            vorgangsnummer: vn,
            aktivierungId: 'bench-ohne-gebuehr',
            onlinedienstId: 'anwohnerparken',
            mandantId: 'dresden',
            test: false,
            eingegangenAm: new Date().toISOString(),
          },
        ],
      });
    });
    await idleDeliveries(db);
    log(`submissions (HTTP → validation → PostgreSQL → workflow.start): ${count} at ${RATE}/s…`);
    const sub = await openLoop(count, RATE, async (i) => {
      await submit('bench-ohne-gebuehr', `rate-${i}`);
    });

    // End to end: submitted until delivered to the authority, next to the minimal workflow with the same number
    // of activities (receipt + delivery = 2). Both started with the same concurrency from an idle system, both
    // counted by polling.
    let base = await idleDeliveries(db);
    const minimalDone = async () =>
      client.workflow.count('WorkflowType = "minimalWorkflow" AND ExecutionStatus = "Completed"').then((c) => c.count);
    const minimalBase = await minimalDone();
    log(`end to end: ${E2E_COUNT} minimal workflows (2 activities)…`);
    const m0 = performance.now();
    await concurrently(E2E_COUNT, 32, (i) =>
      client.workflow
        .start('minimalWorkflow', { workflowId: `e2e-min-${i}`, taskQueue: 'amt24', args: [2] })
        .then(() => undefined),
    );
    while ((await minimalDone()) < minimalBase + E2E_COUNT) await new Promise((r) => setTimeout(r, 50));
    const minimalSeconds = (performance.now() - m0) / 1000;
    base = await idleDeliveries(db);
    log(`end to end: ${E2E_COUNT} Anträge until delivered…`);
    const a0 = performance.now();
    await concurrently(E2E_COUNT, 32, (i) => submit('bench-ohne-gebuehr', `e2e-${i}`).then(() => undefined));
    while ((await deliveredCount(db)) < base + E2E_COUNT) await new Promise((r) => setTimeout(r, 50));
    const antragSeconds = (performance.now() - a0) / 1000;

    // Actions of one paid and delivered Antrag, counted from its history.
    log('actions per paid and delivered Antrag…');
    const vn = await submit('anwohnerparken-leipzig', 'actions-1');
    let kz: string | undefined;
    while (!kz) {
      kz = (await db.selectFrom('zahlung').select('kassenzeichen').where('vorgangsnummer', '=', vn).executeTakeFirst())
        ?.kassenzeichen;
      if (!kz) await new Promise((r) => setTimeout(r, 100));
    }
    epaybl.zahlung(kz, 3050, 'GIROPAY');
    while (
      !(await db.selectFrom('zustellung').select('zugestellt_am').where('vorgangsnummer', '=', vn).executeTakeFirst())
        ?.zugestellt_am
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 1000)); // the workflow task after delivery (upsert, timers)
    const history = await client.workflow.getHandle(antragWorkflowId(vn)).fetchHistory();
    const counted: Record<string, number> = {};
    for (const e of history.events ?? []) {
      const type = String(e.eventType);
      const action = e.workflowExecutionStartedEventAttributes
        ? 'workflow started'
        : e.activityTaskScheduledEventAttributes
          ? 'activity scheduled'
          : e.activityTaskStartedEventAttributes && (e.activityTaskStartedEventAttributes.attempt ?? 1) > 1
            ? 'activity retried'
            : e.timerStartedEventAttributes
              ? 'timer started'
              : e.workflowExecutionSignaledEventAttributes
                ? 'signal'
                : e.upsertWorkflowSearchAttributesEventAttributes
                  ? 'search attributes upserted'
                  : e.workflowExecutionUpdateAcceptedEventAttributes
                    ? 'update'
                    : e.markerRecordedEventAttributes
                      ? 'marker'
                      : e.startChildWorkflowExecutionInitiatedEventAttributes
                        ? 'child started'
                        : e.signalExternalWorkflowExecutionInitiatedEventAttributes
                          ? 'signal sent'
                          : undefined;
      if (action) counted[action] = (counted[action] ?? 0) + 1;
      void type;
    }
    const actions = Object.values(counted).reduce((a, b) => a + b, 0);

    const result = {
      rate: RATE,
      submissions: count,
      submit: {
        p50: round(percentile(sub.latencies, 50)),
        p99: round(percentile(sub.latencies, 99)),
        errors: sub.errors,
      },
      bareStart: {
        p50: round(percentile(bare.latencies, 50)),
        p99: round(percentile(bare.latencies, 99)),
        errors: bare.errors,
      },
      idle: { submitP50: round(percentile(idleSubmit, 50)), bareStartP50: round(percentile(idleBare, 50)) },
      submitP99Ratio: round(percentile(sub.latencies, 99) / percentile(bare.latencies, 99), 2),
      e2e: {
        count: E2E_COUNT,
        antraegePerSecond: round(E2E_COUNT / antragSeconds),
        minimalPerSecond: round(E2E_COUNT / minimalSeconds),
        ratio: round(minimalSeconds / antragSeconds, 2),
      },
      actionsPerPaidDeliveredAntrag: actions,
      actionBreakdown: counted,
      targets: {
        submitP99: '<= 1.25 x bare start p99',
        e2e: '>= 0.7 x minimal workflow',
        actions: '<= 15',
      },
    };
    console.log('');
    console.log(
      `submit latency      p50 ${result.submit.p50} ms   p99 ${result.submit.p99} ms   (errors ${sub.errors})`,
    );
    console.log(
      `bare workflow.start p50 ${result.bareStart.p50} ms   p99 ${result.bareStart.p99} ms   (errors ${bare.errors})`,
    );
    console.log(
      `idle, one at a time: submit p50 ${result.idle.submitP50} ms, bare start p50 ${result.idle.bareStartP50} ms`,
    );
    console.log(`submit p99 / bare p99 = ${result.submitP99Ratio}   (target <= 1.25)`);
    console.log(
      `end to end: ${result.e2e.antraegePerSecond} Anträge/s delivered vs ${result.e2e.minimalPerSecond} minimal workflows/s = ${result.e2e.ratio}   (target >= 0.7)`,
    );
    console.log(`actions per paid and delivered Antrag: ${actions}   (target <= 15) ${JSON.stringify(counted)}`);
    console.log(JSON.stringify(result));
    await connection.close();
    await db.destroy();
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
    for (const stop of stops) await stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
