// npm run bench:antrag [-- --quick] — P1, P2 and the Temporal actions per Antrag, measured at a rate this machine
// sustains rather than one that saturates it.
//
// 1. The sustainable rate: the highest rate at which bare `workflow.start`s keep p99 under twice their idle p99,
//    with no error (doubling, then bisecting; a few seconds a step).
// 2. P1 at 70 % of it: submissions (HTTP → validation → PostgreSQL → workflow.start) and bare starts of the same
//    workflow with the same input and search attributes, alternating second by second at the same rate, so both
//    meet the same machine. Both start on a task queue no worker polls: the ratio is what our API adds in front of
//    Temporal, not which side happened to meet the worker's backlog (the worker's processing is P2).
// 3. P2: Anträge delivered per second next to a minimal workflow with the same number of activities.
// 4. Temporal actions of one paid and delivered Antrag.
// 5. With --profile: a CPU profile (node --cpu-prof) of an API process taking submissions at the P1 rate, summed
//    by part of the submission path (docs/performance.md).
// Options: --quick (short steps, fewer requests), --seconds=N (P1, default 10), --e2e=N (P2 count, 0 skips it),
// --rate=N (skip the search), --profile, --profile-count=N. Positional `[seconds] [e2e]` as before.
// Servers, worker and API processes come from scripts/bench/services.ts. Ends with one line of JSON.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import { demoUsers, signToken } from '../api/auth';
import { antragWorkflowId } from '../domain/vorgangsnummer';
import type { AntragInput } from '../messages/antrag';
import { AntragStatusKey, MandantIdKey, OnlinedienstIdKey, VorgangsnummerKey } from '../messages/search-attributes';
import { loadConfigOrExit } from '../runtime/config';
import { deriveKeys } from '../runtime/keys';
import { dataConverter, EncryptionCodec } from '../runtime/payload-codec';
import { countActions } from './bench/actions';
import { printProfile, summarizeProfile } from './bench/cpu-profile';
import { concurrently, openLoop, percentile, round, say } from './bench/load';
import { findSustainableRate } from './bench/rate-search';
import {
  BENCH_AUTH_SECRET,
  MIT_GEBUEHR,
  OHNE_GEBUEHR,
  startBenchServices,
  submitter,
  type BenchDb,
} from './bench/services';

const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    e2e: { type: 'string' },
    rate: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'profile-count': { type: 'string' },
  },
});
const QUICK = opt.quick;
const SECONDS = Number(opt.seconds ?? positionals[0] ?? (QUICK ? 4 : 10));
const E2E_COUNT = Number(opt.e2e ?? positionals[1] ?? (QUICK ? 100 : 300));
const PROFILE_COUNT = Number(opt['profile-count'] ?? (QUICK ? 300 : 1000));
const SHARE = 0.7;
/** No worker polls it: what is started there stays started, as the citizen's answer promises, and costs nothing. */
const FRONT_QUEUE = 'amt24-bench-front';
const TARGETS = { p1: 1.25, p2: 0.7, actions: 15 };

const config = loadConfigOrExit();
const load = () => os.loadavg().map((l) => round(l, 2));
const stats = (latencies: number[]) => ({
  p50: round(percentile(latencies, 50)),
  p99: round(percentile(latencies, 99)),
});

async function deliveredCount(db: BenchDb): Promise<number> {
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::int as n from zustellung where zugestellt_am is not null`.execute(db);
  return rows[0]!.n;
}

/** Waits until deliveries stop changing for a second: the previous phase has drained. */
async function idleDeliveries(db: BenchDb): Promise<number> {
  for (;;) {
    const before = await deliveredCount(db);
    await new Promise((r) => setTimeout(r, 1000));
    if ((await deliveredCount(db)) === before) return before;
  }
}

async function main() {
  const loadAtStart = load();
  say(`load average ${loadAtStart.join(' ')} on ${os.cpus().length} cores; starting the servers…`);
  const services = await startBenchServices(config);
  const { db } = services;
  const connection = await Connection.connect({ address: services.temporal.address });
  try {
    services.spawnChild('scripts/bench/worker.ts');
    // Request logs on, as in production.
    const [main, front] = await Promise.all([
      services.startApi({ LOG_LEVEL: 'info' }),
      services.startApi({ LOG_LEVEL: 'info', TEMPORAL_TASK_QUEUE: FRONT_QUEUE }),
    ]);
    // The API processes encrypt with the same PAYLOAD_KEYS (they inherit this environment).
    const client = new Client({ connection, dataConverter: dataConverter(new EncryptionCodec(config.payloadKeys)) });
    const token = await signToken(
      deriveKeys([BENCH_AUTH_SECRET]).bearer,
      demoUsers.find((u) => u.id === 'buerger-anna')!,
    );
    const submit = submitter(token);
    // What the API starts for a submission of OHNE_GEBUEHR, without the API.
    const bareStart = async (n: number) => {
      const vn = `A24-BARE${String(n).padStart(7, '0')}`;
      const input: AntragInput = {
        vorgangsnummer: vn,
        aktivierungId: OHNE_GEBUEHR,
        onlinedienstId: 'anwohnerparken',
        mandantId: 'dresden',
        test: false,
        eingegangenAm: new Date().toISOString(),
        zustellungMaxIntervall: config.deliveryMaxRetryInterval,
        stoerungNach: config.stoerungAfter,
        warteFenster: config.warteFenster,
      };
      await client.workflow.start('antragWorkflow', {
        workflowId: antragWorkflowId(vn),
        taskQueue: FRONT_QUEUE,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: VorgangsnummerKey, value: vn },
          { key: MandantIdKey, value: 'dresden' },
          { key: OnlinedienstIdKey, value: 'anwohnerparken' },
          { key: AntragStatusKey, value: 'eingegangen' },
        ],
      });
    };
    let bareN = 0;
    let submitN = 0;
    const frontSubmit = async () => void (await submit(front.url, OHNE_GEBUEHR, `front-${submitN++}`));

    say('warm-up: the worker bundles, the server creates its task queues, each API compiles its form…');
    await client.workflow.execute('minimalWorkflow', { workflowId: 'warmup-minimal', taskQueue: 'amt24', args: [2] });
    for (let i = 0; i < 30; i++) {
      await bareStart(bareN++);
      await frontSubmit();
      await submit(main.url, OHNE_GEBUEHR, `warmup-${i}`);
    }

    // Idle, one at a time: what each path costs with nothing queued.
    const idleBare: number[] = [];
    const idleSubmit: number[] = [];
    for (let i = 0; i < (QUICK ? 60 : 100); i++) {
      let t = performance.now();
      await bareStart(bareN++);
      idleBare.push(performance.now() - t);
      t = performance.now();
      await frontSubmit();
      idleSubmit.push(performance.now() - t);
    }
    const idle = { bareStart: stats(idleBare), submit: stats(idleSubmit) };
    say(
      `idle: bare start p50 ${idle.bareStart.p50} ms p99 ${idle.bareStart.p99} ms; submit p50 ${idle.submit.p50} ms p99 ${idle.submit.p99} ms`,
    );

    let sustainable: { rate: number; steps: unknown[]; p99Limit: number; searched: boolean };
    const p99Limit = 2 * idle.bareStart.p99;
    if (opt.rate) sustainable = { rate: Number(opt.rate), steps: [], p99Limit, searched: false };
    else {
      say(`sustainable rate: bare starts until p99 passes ${round(p99Limit)} ms (twice idle)…`);
      const found = await findSustainableRate((_n) => bareStart(bareN++), {
        p99Limit,
        startRate: 10,
        maxRate: 1280,
        stepSeconds: QUICK ? 2 : 3,
        minSamples: 40,
        bisections: QUICK ? 2 : 3,
      });
      sustainable = { ...found, p99Limit, searched: true };
    }
    const rate = Math.max(1, Math.round(SHARE * sustainable.rate));

    say(`P1: submit and bare start alternating each second, ${rate}/s for ${SECONDS} s…`);
    const lat = { submit: [] as number[], bare: [] as number[] };
    const errors = { submit: 0, bare: 0 };
    const timed = async (kind: 'submit' | 'bare', fn: () => Promise<void>) => {
      const t = performance.now();
      try {
        await fn();
        lat[kind].push(performance.now() - t);
      } catch (err) {
        if (errors[kind]++ < 3) say(`${kind} error: ${(err as Error).message}`);
      }
    };
    const loadBeforeP1 = load();
    await openLoop(rate * SECONDS, rate, (i) =>
      Math.floor(i / rate) % 2 === 0 ? timed('bare', () => bareStart(bareN++)) : timed('submit', frontSubmit),
    );
    const p1 = {
      submit: { ...stats(lat.submit), count: lat.submit.length, errors: errors.submit },
      bareStart: { ...stats(lat.bare), count: lat.bare.length, errors: errors.bare },
      ratio: round(percentile(lat.submit, 99) / percentile(lat.bare, 99), 2),
    };

    let p2: { count: number; antraegePerSecond: number; minimalPerSecond: number; ratio: number } | undefined;
    if (E2E_COUNT > 0) {
      // Receipt + delivery = 2 activities; both started 32 at a time from an idle system, both counted by polling.
      await idleDeliveries(db);
      const minimalDone = async () =>
        (await client.workflow.count('WorkflowType = "minimalWorkflow" AND ExecutionStatus = "Completed"')).count;
      const minimalBase = await minimalDone();
      say(`P2: ${E2E_COUNT} minimal workflows (2 activities)…`);
      const m0 = performance.now();
      await concurrently(E2E_COUNT, 32, async (i) => {
        await client.workflow.start('minimalWorkflow', { workflowId: `e2e-min-${i}`, taskQueue: 'amt24', args: [2] });
      });
      while ((await minimalDone()) < minimalBase + E2E_COUNT) await new Promise((r) => setTimeout(r, 50));
      const minimalSeconds = (performance.now() - m0) / 1000;
      const base = await idleDeliveries(db);
      say(`P2: ${E2E_COUNT} Anträge until delivered…`);
      const a0 = performance.now();
      await concurrently(E2E_COUNT, 32, async (i) => void (await submit(main.url, OHNE_GEBUEHR, `e2e-${i}`)));
      while ((await deliveredCount(db)) < base + E2E_COUNT) await new Promise((r) => setTimeout(r, 50));
      const antragSeconds = (performance.now() - a0) / 1000;
      p2 = {
        count: E2E_COUNT,
        antraegePerSecond: round(E2E_COUNT / antragSeconds),
        minimalPerSecond: round(E2E_COUNT / minimalSeconds),
        ratio: round(minimalSeconds / antragSeconds, 2),
      };
    }

    say('actions per paid and delivered Antrag…');
    const { vorgangsnummer: vn } = await submit(main.url, MIT_GEBUEHR, 'actions-1');
    let kz: string | null | undefined;
    while (!kz) {
      kz = (await db.selectFrom('zahlung').select('kassenzeichen').where('vorgangsnummer', '=', vn).executeTakeFirst())
        ?.kassenzeichen;
      if (!kz) await new Promise((r) => setTimeout(r, 100));
    }
    services.epaybl.zahlung(kz, 3050, 'GIROPAY');
    const delivered = async () =>
      (await db.selectFrom('zustellung').select('zugestellt_am').where('vorgangsnummer', '=', vn).executeTakeFirst())
        ?.zugestellt_am;
    while (!(await delivered())) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1000)); // the workflow task after delivery (upsert, timers)
    const actions = await countActions(client, antragWorkflowId(vn));

    const profile = opt.profile ? await profileSubmissions(services, submit, rate) : undefined;

    const result = {
      bench: 'antrag',
      quick: QUICK,
      cores: os.cpus().length,
      load: { start: loadAtStart, beforeP1: loadBeforeP1, end: load() },
      sustainableRate: {
        value: sustainable.rate,
        criterion: `bare start p99 <= 2 x idle p99 (${round(sustainable.p99Limit)} ms), 0 errors`,
        searched: sustainable.searched,
        steps: sustainable.steps,
      },
      idle,
      P1: {
        rate,
        rateShare: SHARE,
        seconds: SECONDS,
        ...p1,
        value: p1.ratio,
        target: `<= ${TARGETS.p1} x bare start p99, 0 errors`,
        met: p1.ratio <= TARGETS.p1 && errors.submit === 0,
      },
      P2: p2 && { ...p2, value: p2.ratio, target: `>= ${TARGETS.p2}`, met: p2.ratio >= TARGETS.p2 },
      actions: {
        value: actions.total,
        breakdown: actions.breakdown,
        notActions: actions.notActions,
        target: `<= ${TARGETS.actions}`,
        met: actions.total <= TARGETS.actions,
      },
      profile,
    };
    console.log('');
    console.log(
      `sustainable rate (bare start p99 <= ${round(sustainable.p99Limit)} ms): ${sustainable.rate}/s; measured at ${rate}/s`,
    );
    console.log(`submit     p50 ${p1.submit.p50} ms  p99 ${p1.submit.p99} ms  (errors ${errors.submit})`);
    console.log(`bare start p50 ${p1.bareStart.p50} ms  p99 ${p1.bareStart.p99} ms  (errors ${errors.bare})`);
    console.log(`P1 submit p99 / bare start p99 = ${p1.ratio}   (target <= ${TARGETS.p1}, 0 errors)`);
    if (p2) {
      console.log(
        `P2 ${p2.antraegePerSecond} Anträge/s delivered vs ${p2.minimalPerSecond} minimal workflows/s = ${p2.ratio}   (target >= ${TARGETS.p2})`,
      );
    }
    console.log(
      `actions per paid and delivered Antrag: ${actions.total}   (target <= ${TARGETS.actions}) ${JSON.stringify(actions.breakdown)}; not billed: ${JSON.stringify(actions.notActions)}`,
    );
    console.log(JSON.stringify(result));
  } finally {
    await connection.close().catch(() => undefined);
    await services.stop();
  }
}

/**
 * An API process of its own under node --cpu-prof takes `count` submissions at `rate`; only the samples between
 * the first and the last of them count (the clock of a .cpuprofile is CLOCK_MONOTONIC in µs, as process.hrtime).
 */
async function profileSubmissions(
  services: Awaited<ReturnType<typeof startBenchServices>>,
  submit: ReturnType<typeof submitter>,
  rate: number,
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amt24-antrag-prof-'));
  const api = await services.startApi({ LOG_LEVEL: 'info', TEMPORAL_TASK_QUEUE: FRONT_QUEUE }, [
    '--cpu-prof',
    `--cpu-prof-dir=${dir}`,
  ]);
  for (let i = 0; i < 50; i++) await submit(api.url, OHNE_GEBUEHR, `prof-warmup-${i}`);
  say(`profile: ${PROFILE_COUNT} submissions at ${rate}/s into an API under --cpu-prof…`);
  const cpu0 = processCpuMs(api.child.pid!);
  const from = Number(process.hrtime.bigint() / 1000n);
  const run = await openLoop(PROFILE_COUNT, rate, async (i) => void (await submit(api.url, OHNE_GEBUEHR, `prof-${i}`)));
  const to = Number(process.hrtime.bigint() / 1000n);
  const cpuMs = processCpuMs(api.child.pid!) - cpu0;
  const exited = new Promise((r) => api.child.once('exit', r));
  api.child.kill('SIGTERM');
  await exited;
  const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const summary = summarizeProfile(path.join(dir, file), { from, to });
  console.log('');
  console.log(`CPU profile of the API, ${PROFILE_COUNT} submissions (${path.join(dir, file)}):`);
  printProfile(summary, PROFILE_COUNT, console.log);
  console.log(
    `CPU time the kernel counted for the API (all threads, profiler included): ${round(cpuMs / PROFILE_COUNT, 2)} ms/submission`,
  );
  const per = (ms: number) => round(ms / PROFILE_COUNT, 3);
  return {
    file: path.join(dir, file),
    submissions: PROFILE_COUNT,
    rate,
    errors: run.errors,
    latency: stats(run.latencies),
    /** from the samples: time on the main thread, preemption included when the machine is overloaded */
    sampledMsPerSubmission: per(summary.busyMs),
    /** from /proc: CPU time of the whole process (libuv and V8 threads too), the profiler's own cost included */
    cpuMsPerSubmission: per(cpuMs),
    msPerSubmission: Object.fromEntries(summary.categories.map((c) => [c.category, per(c.ms)])),
  };
}

/** utime + stime of a process, from /proc/<pid>/stat (Linux; clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
