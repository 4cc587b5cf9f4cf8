// npm run bench:memory [-- --antraege=10000 --lifecycles=1200 --cache=1000 --fenster=30s --heap-mb=96 --semi-mb=2
//                          --malloc-arenas=2 --heap-snapshot --cpu-prof=DIR]
//
// P5: the worker's resident memory while 10,000 Anträge wait for their payment and 1,200 lifecycles run in
// Betrieb, and what one cached workflow of each type costs. Everything real and local: a Temporal dev server,
// embedded PostgreSQL, SMTP and the ePayBL simulator (nobody pays, so every Antrag waits); the worker is
// production's (scripts/bench/worker.ts) in a child process, tuned only through WORKER_MAX_CACHED_WORKFLOWS
// (`--cache`; unset: the SDK's default). Its RSS is read from /proc. Evicted workflows must still answer their
// queries: the bench queries a sample of both types at the end. A waiting Antrag's payment poll runs for a window
// (WARTE_FENSTER, `--fenster`, 30 s here instead of production's 10 min so the bench gets there sooner) and then
// sleeps on a workflow timer: the bench reads the RSS while the looks run and again once every window is out.
// `--heap-mb` caps the old generation of each V8 heap in the worker (its main thread and its workflow thread),
// `--semi-mb` the young generation's semi-spaces, `--malloc-arenas` glibc's malloc arenas for the native core's
// threads (MALLOC_ARENA_MAX): README "Worker memory". `--heap-snapshot` also takes a heap snapshot of the worker's
// main thread while the Anträge wait and prints what it holds (scripts/bench/heap-summary.ts). `--cpu-prof=DIR` runs
// the worker under `node --cpu-prof`: one .cpuprofile per thread (main, workflows) in DIR when it ends, for DevTools.
// The last line of output is one line of JSON.
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import { insertAntrag } from '../db/stores/antrag';
import { dauerMs } from '../domain/dauer';
import { antragWorkflowId } from '../domain/vorgangsnummer';
import { antragQuery, type AntragInput } from '../messages/antrag';
import { lifecycleStateQuery, lifecycleWorkflowId } from '../messages/onlinedienst';
import { loadConfigOrExit } from '../runtime/config';
import { dataConverter, EncryptionCodec } from '../runtime/payload-codec';
import { sdkDefaultCache } from '../worker/worker';
import { summarizeHeapSnapshot } from './bench/heap-summary';
import { pool, round, say } from './bench/load';
import { importLifecycles } from './bench/release-import';
import { MIT_GEBUEHR, startBenchServices, type BenchDb } from './bench/services';

const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(`--${name}=`.length);
const arg = (name: string, fallback?: number) => {
  const raw = option(name);
  return raw === undefined ? fallback : Number(raw);
};
const ANTRAEGE = arg('antraege', 10_000)!;
const LIFECYCLES = arg('lifecycles', 1_200)!;
const CACHE = arg('cache');
const HEAP_SNAPSHOT = process.argv.includes('--heap-snapshot');
const CPU_PROF = option('cpu-prof');
const HEAP_MB = arg('heap-mb');
const SEMI_MB = arg('semi-mb');
const MALLOC_ARENAS = arg('malloc-arenas');
const FENSTER = option('fenster') ?? '30s';
const TARGET_MB = 400;
const AKTIVIERUNG = MIT_GEBUEHR; // with a fee: every Antrag waits for its payment

const config = loadConfigOrExit();
type Db = BenchDb;

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

async function until(what: string, done: () => Promise<boolean>, timeoutMs = 1_800_000): Promise<void> {
  const t0 = Date.now();
  while (!(await done())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

const count = async (db: Db, query: ReturnType<typeof sql<{ n: string }>>) =>
  Number((await query.execute(db)).rows[0]!.n);

/** RSS once it has stopped growing for 5 s (GC and the cache have settled), and the peak seen meanwhile. */
async function settledRss(pid: number): Promise<{ settled: number; peak: number }> {
  let peak = 0;
  let last = rssMb(pid);
  let stable = 0;
  while (stable < 5) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = rssMb(pid);
    peak = Math.max(peak, now);
    stable = now > last + 2 ? 0 : stable + 1;
    last = now;
  }
  return { settled: last, peak };
}

/** SIGUSR2 to the worker (started with --heapsnapshot-signal), the file once written, and what it holds. */
async function heapSnapshot(pid: number, dir: string) {
  process.kill(pid, 'SIGUSR2');
  let file: string | undefined;
  for (let size = -1, stable = 0; stable < 3;) {
    await new Promise((r) => setTimeout(r, 1000));
    const name = fs.readdirSync(dir).find((n) => n.endsWith('.heapsnapshot'));
    if (!name) continue;
    file = path.join(dir, name);
    const now = fs.statSync(file).size;
    stable = now === size ? stable + 1 : 0;
    size = now;
  }
  // V8 writes the file in pieces with pauses between them: parse once it parses.
  let heap: ReturnType<typeof summarizeHeapSnapshot> | undefined;
  for (let tries = 0; !heap; tries++) {
    try {
      heap = summarizeHeapSnapshot(file!);
    } catch (err) {
      if (!(err instanceof SyntaxError) || tries > 60) throw err;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  say(`worker main thread heap: ${heap.totalMb} MB in ${heap.nodes} nodes; largest groups:`);
  say(`| type | name | count | MB |`);
  say(`| --- | --- | --- | --- |`);
  for (const g of heap.groups) say(`| ${g.type} | ${g.name} | ${g.count} | ${g.selfMb} |`);
  fs.rmSync(file!);
  return heap;
}

async function main() {
  say('starting Temporal, PostgreSQL, SMTP, ePayBL simulator…');
  const services = await startBenchServices(config);
  const stops: (() => Promise<void>)[] = [services.stop];
  const { db, temporal } = services;
  try {
    // A waiting Antrag asks ePayBL now and then; at the bench services' 200 ms, 10,000 of them would be a poll load
    // this box cannot carry. The citizen's return from the pay page triggers the check anyway.
    await db
      .updateTable('prozessparameter')
      .set({ value: '1h' })
      .where('aktivierung_id', '=', AKTIVIERUNG)
      .where('key', '=', 'frist.zahlungAbfrage')
      .execute();
    // Every waiting Antrag holds a slot of the wait queue (its long payment poll): slots for all, plus headroom.
    const snapshotDir = path.join(services.dir, 'heap');
    fs.mkdirSync(snapshotDir, { recursive: true });
    const worker = services.spawnChild(
      'scripts/bench/worker.ts',
      {
        WORKER_MAX_CONCURRENT_WAITS: String(ANTRAEGE + 500),
        ...(CACHE !== undefined ? { WORKER_MAX_CACHED_WORKFLOWS: String(CACHE) } : {}),
        ...(MALLOC_ARENAS !== undefined ? { MALLOC_ARENA_MAX: String(MALLOC_ARENAS) } : {}),
      },
      [
        ...(HEAP_SNAPSHOT ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDir}`] : []),
        // Caps on the V8 heaps: without them V8 grows each far before collecting, and RSS shows garbage.
        ...(HEAP_MB !== undefined ? [`--max-old-space-size=${HEAP_MB}`] : []),
        ...(SEMI_MB !== undefined ? [`--max-semi-space-size=${SEMI_MB}`] : []),
        ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(CPU_PROF)}`] : []),
      ],
    );
    const workerPid = worker.pid!;
    const exited = new Promise<never>((_, reject) =>
      worker.once('exit', (code, signal) => reject(new Error(`worker ended (${code ?? signal})`))),
    );
    exited.catch(() => undefined);
    const connection = await Connection.connect({ address: temporal.address });
    stops.unshift(() => connection.close());
    const client = new Client({ connection, dataConverter: dataConverter(new EncryptionCodec(config.payloadKeys)) });

    await Promise.race([
      client.workflow.execute('minimalWorkflow', { workflowId: 'warmup', taskQueue: 'amt24', args: [2] }),
      exited,
    ]);
    const baseline = await settledRss(workerPid);
    say(`worker up, RSS ${round(baseline.settled)} MB`);

    say(`${LIFECYCLES} lifecycles in Betrieb…`);
    const ids = Array.from({ length: LIFECYCLES }, (_, i) => `mem-${String(i).padStart(5, '0')}`);
    await importLifecycles({ db, client, ids, prefix: 'mem', taskQueue: 'amt24', concurrency: 32 });
    await until('lifecycle starts', async () => {
      const n = await count(
        db,
        sql<{ n: string }>`select count(*) as n from audit_log where action = 'onlinedienst.lebenszyklus.gestartet'`,
      );
      return n >= LIFECYCLES;
    });
    const afterLifecycles = await settledRss(workerPid);
    say(`lifecycles running, RSS ${round(afterLifecycles.settled)} MB`);

    say(`${ANTRAEGE} Anträge waiting for their payment…`);
    const vn = (i: number) => `A24-MEM${String(i).padStart(7, '0')}`;
    for (let i = 0; i < ANTRAEGE; i++) {
      await insertAntrag(
        db,
        {
          vorgangsnummer: vn(i),
          aktivierungId: AKTIVIERUNG,
          onlinedienstId: 'anwohnerparken',
          mandantId: 'leipzig',
          formularVersion: '1.0',
          payloadHash: `mem-${i}`,
          daten: {
            kennzeichen: 'L-AB 123',
            halter: 'selbst',
            wohnadresse: { strasse: 'Markt', hausnummer: '1', plz: '04109', ort: 'Leipzig' },
            zone: 'A1',
            gueltigAb: '2027-01-01',
          },
          antragsteller: { name: 'Bench Mark', email: 'bench@example.org' },
          test: false,
        },
        [],
      );
    }
    const started = performance.now();
    await pool(
      Array.from({ length: ANTRAEGE }, (_, i) => i),
      32,
      async (i) => {
        const input: AntragInput = {
          vorgangsnummer: vn(i),
          aktivierungId: AKTIVIERUNG,
          onlinedienstId: 'anwohnerparken',
          mandantId: 'leipzig',
          test: false,
          eingegangenAm: new Date().toISOString(),
          warteFenster: FENSTER,
        };
        await client.workflow.start('antragWorkflow', {
          workflowId: antragWorkflowId(vn(i)),
          taskQueue: 'amt24',
          args: [input],
        });
      },
    );
    let peakDuring = 0;
    // This box creates 340–440 payments a minute while it runs everything else: 10,000 take some 25 minutes.
    await until(
      'Anträge waiting for payment',
      async () => {
        peakDuring = Math.max(peakDuring, rssMb(workerPid));
        const n = await count(db, sql<{ n: string }>`select count(*) as n from zahlung where status = 'offen'`);
        return n >= ANTRAEGE;
      },
      Math.max(1_800_000, ANTRAEGE * 400),
    );
    const waitingAfterS = (performance.now() - started) / 1000;
    const looking = await settledRss(workerPid);
    say(`Anträge waiting after ${round(waitingAfterS)} s, their looks running, RSS ${round(looking.settled)} MB`);
    // Every look's window is out (the last one began when its Antrag's payment was created, before the count above
    // reached ANTRAEGE): no poll runs, each Antrag sleeps on a timer until its next look.
    // A window longer than the bench (e.g. --fenster=30d) keeps every look running: the comparison without windows.
    const fensterMs = dauerMs(FENSTER);
    const schlafen = fensterMs <= 600_000;
    if (schlafen) await new Promise((r) => setTimeout(r, fensterMs + 10_000));
    if (schlafen) {
      // Checked on a sample spread over the range: none of them has a poll running any more.
      await until('every look ended', async () => {
        const pending = await Promise.all(
          Array.from({ length: 50 }, (_, k) =>
            client.workflow
              .getHandle(antragWorkflowId(vn(Math.floor((k * ANTRAEGE) / 50))))
              .describe()
              .then((d) => (d.raw.pendingActivities ?? []).length),
          ),
        );
        return pending.every((n) => n === 0);
      });
    }
    const afterAntraege = schlafen ? await settledRss(workerPid) : looking;
    if (schlafen) say(`every window out, the Anträge asleep between looks, RSS ${round(afterAntraege.settled)} MB`);
    const heap = HEAP_SNAPSHOT ? await heapSnapshot(workerPid, snapshotDir) : undefined;

    // Evicted or not, every workflow answers: a sample of each type, spread over the whole range.
    const sample = 100;
    let answered = 0;
    const q0 = performance.now();
    await pool(
      Array.from({ length: sample }, (_, k) => k),
      8,
      async (k) => {
        const a = await client.workflow
          .getHandle(antragWorkflowId(vn(Math.floor((k * ANTRAEGE) / sample))))
          .query(antragQuery);
        const l = await client.workflow
          .getHandle(lifecycleWorkflowId(ids[Math.floor((k * LIFECYCLES) / sample)]!))
          .query(lifecycleStateQuery);
        if (a.phase === 'zahlung-offen' && l.phase === 'betrieb') answered += 2;
      },
    );
    const queryMs = (performance.now() - q0) / (2 * sample);
    const afterQueries = await settledRss(workerPid);
    const peak = Math.max(
      baseline.peak,
      afterLifecycles.peak,
      peakDuring,
      looking.peak,
      afterAntraege.peak,
      afterQueries.peak,
    );

    // What the cache holds: --cache, or the SDK's default for the worker's heap (with --heap-mb its old generation; the
    // limit V8 reports adds the young one's few MB, which moves the default by a workflow or two). A per-cached figure
    // only where the cache held them all; per waiting Antrag always.
    const cacheSize = CACHE ?? sdkDefaultCache(HEAP_MB);
    const perLifecycleKb = ((afterLifecycles.settled - baseline.settled) * 1024) / LIFECYCLES;
    const perWaitingKb = ((afterAntraege.settled - afterLifecycles.settled) * 1024) / ANTRAEGE;
    const perCached = {
      lifecycle: LIFECYCLES <= cacheSize ? round(perLifecycleKb) : null,
      antrag: LIFECYCLES + ANTRAEGE <= cacheSize ? round(perWaitingKb) : null,
    };
    say('');
    say(`| moment | worker RSS |`);
    say(`| --- | --- |`);
    say(`| idle | ${round(baseline.settled)} MB |`);
    say(`| ${LIFECYCLES} lifecycles | ${round(afterLifecycles.settled)} MB |`);
    say(`| + ${ANTRAEGE} waiting Anträge, their looks running (window ${FENSTER}) | ${round(looking.settled)} MB |`);
    say(`| … every window out, asleep between looks | ${round(afterAntraege.settled)} MB (target ≤ ${TARGET_MB} MB) |`);
    say(`| after ${2 * sample} queries | ${round(afterQueries.settled)} MB |`);
    say(`| peak | ${round(peak)} MB |`);
    say(
      `cache: ${cacheSize} workflows${CACHE === undefined ? " (the SDK's default)" : ''}; per lifecycle ≈ ${round(perLifecycleKb)} kB, per waiting Antrag ≈ ${round(perWaitingKb)} kB${perCached.antrag === null ? ` (the cache holds ${cacheSize} of ${LIFECYCLES + ANTRAEGE} workflows: the rest is the waiting itself)` : ''}`,
    );
    say(`queries answered ${answered}/${2 * sample}, ${round(queryMs)} ms each on average`);
    console.log(
      JSON.stringify({
        bench: 'memory',
        antraege: ANTRAEGE,
        lifecycles: LIFECYCLES,
        maxCachedWorkflows: CACHE ?? null,
        warteFenster: FENSTER,
        maxOldSpaceMb: HEAP_MB ?? null,
        maxSemiSpaceMb: SEMI_MB ?? null,
        mallocArenaMax: MALLOC_ARENAS ?? null,
        rssMb: {
          idle: round(baseline.settled),
          lifecycles: round(afterLifecycles.settled),
          looking: round(looking.settled),
          waiting: round(afterAntraege.settled),
          afterQueries: round(afterQueries.settled),
          peak: round(peak),
        },
        targetMb: TARGET_MB,
        met: Math.max(afterAntraege.settled, afterQueries.settled) <= TARGET_MB,
        cacheSize,
        perLifecycleKb: round(perLifecycleKb),
        perWaitingAntragKb: round(perWaitingKb),
        perCachedKb: perCached,
        queries: { answered, asked: 2 * sample, avgMs: round(queryMs) },
        waitingAfterS: round(waitingAfterS),
        ...(heap ? { heapMainThreadMb: heap.totalMb } : {}),
      }),
    );
  } finally {
    for (const stop of stops) await stop().catch(() => {});
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
