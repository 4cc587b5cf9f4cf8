// npm run bench:burst [-- --rate=3 --seconds=30 --quiet-rate=1 --apis=2 --quick --no-fairness
//                        --limit-global=N --limit-mandant=N --activities=N]
// Issue 13 point 8, the Energiepauschale: one Mandant (Leipzig) bursts at 10× a sustainable rate (`--rate`) for
// `--seconds`, while a quiet Mandant (Dresden) submits at a low steady rate. Phase A: the quiet Mandant alone;
// phase B: the same with the burst. Submissions alternate between `--apis` API processes on one database (as behind
// a round-robin load balancer); a 429 is retried after its Retry-After with the same Idempotency-Key, as a client
// would. Prints 5xx, 429, lost (submitted vs stored vs delivered), the accepted latency and the quiet Mandant's p99
// time from receipt to delivery with and without the burst; ends with one line of JSON.
import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import { demoUsers, signToken } from '../api/auth';
import { antragWorkflowId } from '../domain/vorgangsnummer';
import { deriveKeys } from '../runtime/keys';
import { loadConfigOrExit } from '../runtime/config';
import { openLoop, percentile, round, say } from './bench/load';
import { BENCH_AUTH_SECRET, benchAntrag, OHNE_GEBUEHR, startBenchServices, type BenchServices } from './bench/services';
import { summarizeWaits } from './bench/wait-breakdown';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v ?? 'true'] as const;
  }),
);
const QUICK = args.has('quick');
const RATE = Number(args.get('rate') ?? 3);
const BURST_RATE = RATE * 10;
const SECONDS = Number(args.get('seconds') ?? (QUICK ? 8 : 30));
const QUIET_RATE = Number(args.get('quiet-rate') ?? 1);
const APIS = Number(args.get('apis') ?? 2);
const FAIRNESS = !args.has('no-fairness');
const DRAIN_LIMIT_MS = (QUICK ? 6 : 20) * 60_000;
const config = loadConfigOrExit();

/** The bursting Mandant's fee-free activation (Leipzig); the quiet one is the bench's Dresden activation. */
const LAUT = 'bench-burst-leipzig';
const LEISE = OHNE_GEBUEHR;

interface Submission {
  phase: 'A' | 'B';
  aktivierung: string;
  key: string;
  vorgangsnummer?: string;
}

const counts = { http5xx: 0, http429: 0, networkErrors: 0, givenUp: 0 };
const acceptedLatencies: number[] = [];

async function addBurstActivation(services: BenchServices) {
  const { db } = services;
  await db
    .insertInto('organisationseinheit')
    .values({ id: 'oe-leipzig-bench', mandant_id: 'leipzig', name: 'Bürgerbüro', behoerdenkonto_id: null, email: null })
    .execute();
  await db
    .insertInto('aktivierung')
    .values({
      id: LAUT,
      onlinedienst_id: 'anwohnerparken',
      mandant_id: 'leipzig',
      oe_id: 'oe-leipzig-bench',
      leistung_id: '99102013000000',
      status: 'aktiv',
    })
    .execute();
  await db
    .insertInto('prozessparameter')
    .values({
      aktivierung_id: LAUT,
      key: 'zustellung.modus',
      value: 'transfer-plain',
      value_encrypted: null,
      protected: false,
    })
    .execute();
  fs.mkdirSync(services.transferDir(LAUT), { recursive: true });
}

/** One citizen's submission: retried after Retry-After on 429, and after a 5xx or a lost answer (same key). */
function submitter(token: string, apis: string[]) {
  let next = 0;
  return async (s: Submission) => {
    for (let attempt = 0; attempt < 120; attempt++) {
      const api = apis[next++ % apis.length]!;
      const started = performance.now();
      try {
        const res = await fetch(`${api}/api/antraege`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'idempotency-key': s.key,
          },
          body: JSON.stringify(benchAntrag(s.aktivierung)),
        });
        if (res.status === 201 || res.status === 200) {
          acceptedLatencies.push(performance.now() - started);
          s.vorgangsnummer = ((await res.json()) as { vorgangsnummer: string }).vorgangsnummer;
          return;
        }
        const text = await res.text();
        if (res.status === 429) {
          counts.http429 += 1;
          await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
          continue;
        }
        if (res.status >= 500) {
          counts.http5xx += 1;
          if (counts.http5xx <= 3) say(`${res.status}: ${text.slice(0, 300)}`);
        } else {
          throw new Error(`submit ${res.status}: ${text}`);
        }
      } catch (err) {
        if ((err as Error).message.startsWith('submit ')) throw err;
        counts.networkErrors += 1;
        if (counts.networkErrors <= 3) say(`network: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    counts.givenUp += 1;
  };
}

/** Submits `rate`/s for `seconds` (an open loop: on time whatever the answers). */
async function steady(
  phase: 'A' | 'B',
  aktivierung: string,
  rate: number,
  seconds: number,
  submit: (s: Submission) => Promise<void>,
  into: Submission[],
) {
  const n = Math.round(rate * seconds);
  await openLoop(n, rate, async (i) => {
    const s: Submission = { phase, aktivierung, key: `${phase}-${aktivierung}-${i}` };
    into.push(s);
    await submit(s);
  });
}

interface Row {
  vorgangsnummer: string;
  delivery_ms: string | null;
}

async function rows(services: BenchServices, vns: string[]): Promise<Map<string, Row>> {
  if (vns.length === 0) return new Map();
  const r = await sql<Row>`
    select a.vorgangsnummer,
           (extract(epoch from (z.zugestellt_am - a.eingegangen_am)) * 1000)::text as delivery_ms
    from antrag a left join zustellung z on z.vorgangsnummer = a.vorgangsnummer
    where a.vorgangsnummer in (${sql.join(vns)})`.execute(services.db);
  return new Map(r.rows.map((row) => [row.vorgangsnummer, row]));
}

/** Waits until every accepted Antrag is delivered (or the drain limit passes); returns the stored rows. */
async function drain(services: BenchServices, subs: Submission[], what: string) {
  const vns = subs.flatMap((s) => (s.vorgangsnummer ? [s.vorgangsnummer] : []));
  const started = performance.now();
  for (let lastSaid = 0; ;) {
    const found = await rows(services, vns);
    const delivered = [...found.values()].filter((r) => r.delivery_ms !== null).length;
    if (delivered === vns.length || performance.now() - started > DRAIN_LIMIT_MS) return found;
    if (performance.now() - lastSaid > 10_000) {
      say(`${what}: ${delivered} of ${vns.length} delivered`);
      lastSaid = performance.now();
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

function deliveryP(found: Map<string, Row>, subs: Submission[], p: number): number | null {
  const ms = subs.flatMap((s) => {
    const d = s.vorgangsnummer ? found.get(s.vorgangsnummer)?.delivery_ms : null;
    return d ? [Number(d)] : [];
  });
  return ms.length ? Math.round(percentile(ms, p)) : null;
}

async function main() {
  say(`starting Temporal (fairness ${FAIRNESS ? 'on' : 'off'}), PostgreSQL, SMTP, ePayBL simulator…`);
  const services = await startBenchServices(config, { fairness: FAIRNESS });
  try {
    await addBurstActivation(services);
    const env: Record<string, string> = {};
    if (args.has('limit-global')) env.ANTRAG_LIMIT_GLOBAL_PRO_S = args.get('limit-global')!;
    if (args.has('limit-mandant')) env.ANTRAG_LIMIT_MANDANT_PRO_S = args.get('limit-mandant')!;
    if (args.has('activities')) env.WORKER_MAX_CONCURRENT_ACTIVITIES = args.get('activities')!;
    services.spawnChild('app/worker.ts', env);
    const apis = await Promise.all(Array.from({ length: APIS }, () => services.startApi(env)));
    const token = await signToken(
      deriveKeys([BENCH_AUTH_SECRET]).bearer,
      demoUsers.find((u) => u.id === 'buerger-anna')!,
    );
    const submit = submitter(
      token,
      apis.map((a) => a.url),
    );

    say('warm-up: 3 Anträge of each Mandant…');
    const warm: Submission[] = [];
    for (const [i, akt] of [LEISE, LAUT, LEISE, LAUT, LEISE, LAUT].entries()) {
      const s: Submission = { phase: 'A', aktivierung: akt, key: `warm-${i}` };
      warm.push(s);
      await submit(s);
    }
    await drain(services, warm, 'warm-up');
    acceptedLatencies.length = 0;

    say(`phase A: ${LEISE} (Dresden) at ${QUIET_RATE}/s for ${SECONDS} s, no burst`);
    const a: Submission[] = [];
    await steady('A', LEISE, QUIET_RATE, SECONDS, submit, a);
    const foundA = await drain(services, a, 'phase A');

    say(`phase B: the same, with ${LAUT} (Leipzig) at ${BURST_RATE}/s (10 × ${RATE}/s) for ${SECONDS} s`);
    const b: Submission[] = [];
    const burstStarted = performance.now();
    await Promise.all([
      steady('B', LEISE, QUIET_RATE, SECONDS, submit, b),
      steady('B', LAUT, BURST_RATE, SECONDS, submit, b),
    ]);
    const burstAcceptedS = (performance.now() - burstStarted) / 1000;
    const foundB = await drain(services, b, 'phase B');
    const drainedS = (performance.now() - burstStarted) / 1000;

    const all = [...a, ...b];
    const found = new Map([...foundA, ...foundB]);
    const accepted = all.filter((s) => s.vorgangsnummer);
    const stored = accepted.filter((s) => found.has(s.vorgangsnummer!));
    const delivered = stored.filter((s) => found.get(s.vorgangsnummer!)!.delivery_ms !== null);
    const quietB = b.filter((s) => s.aktivierung === LEISE);
    const loudB = b.filter((s) => s.aktivierung === LAUT);
    // Where the time went (waiting on the server for a worker, or running on it), from the histories.
    const connection = await Connection.connect({ address: services.temporal.address });
    const client = new Client({ connection });
    const ids = (subs: Submission[]) =>
      subs.flatMap((s) => (s.vorgangsnummer ? [antragWorkflowId(s.vorgangsnummer)] : [])).slice(0, 200);
    const where = {
      quietWithoutBurst: await summarizeWaits(client, ids(a)),
      quietWithBurst: await summarizeWaits(client, ids(quietB)),
      burst: await summarizeWaits(client, ids(loudB)),
    };
    await connection.close();
    const result = {
      fairness: FAIRNESS,
      sustainableRate: RATE,
      burstRate: BURST_RATE,
      burstSeconds: SECONDS,
      quietRate: QUIET_RATE,
      apiProcesses: APIS,
      submitted: all.length,
      accepted: accepted.length,
      stored: stored.length,
      delivered: delivered.length,
      lost: all.length - delivered.length,
      http5xx: counts.http5xx,
      http429: counts.http429,
      networkErrors: counts.networkErrors,
      acceptedLatencyMs: {
        p50: Math.round(percentile(acceptedLatencies, 50)),
        p99: Math.round(percentile(acceptedLatencies, 99)),
      },
      burstAcceptedInS: round(burstAcceptedS, 1),
      allDeliveredAfterBurstStartS: round(drainedS, 1),
      quietDeliveryMs: {
        withoutBurst: { p50: deliveryP(foundA, a, 50), p99: deliveryP(foundA, a, 99) },
        withBurst: { p50: deliveryP(foundB, quietB, 50), p99: deliveryP(foundB, quietB, 99) },
      },
      burstDeliveryMs: { p50: deliveryP(foundB, loudB, 50), p99: deliveryP(foundB, loudB, 99) },
      where,
      target: {
        http5xx: 0,
        lost: 0,
        http429: '0 unless past ANTRAG_LIMIT_*',
        acceptedLatencyP99Ms: '<= 2000',
        quietDeliveryP99WithBurstMs: '<= 2 × without the burst',
      },
      met: false,
    };
    const q = result.quietDeliveryMs;
    result.met =
      result.http5xx === 0 &&
      result.lost === 0 &&
      result.acceptedLatencyMs.p99 <= 2000 &&
      q.withBurst.p99 !== null &&
      q.withoutBurst.p99 !== null &&
      q.withBurst.p99 <= 2 * q.withoutBurst.p99;
    console.log('');
    console.log(`fairness ${FAIRNESS ? 'on' : 'off'}; ${APIS} API processes, 1 worker`);
    console.log(
      `submitted ${result.submitted}, accepted ${result.accepted}, stored ${result.stored}, delivered ${result.delivered}, lost ${result.lost}   (target 0)`,
    );
    console.log(`5xx ${result.http5xx} (target 0), 429 ${result.http429}, network errors ${result.networkErrors}`);
    console.log(
      `accepted latency p50 ${result.acceptedLatencyMs.p50} ms, p99 ${result.acceptedLatencyMs.p99} ms   (target p99 <= 2000 ms)`,
    );
    console.log(
      `burst of ${loudB.length} at ${BURST_RATE}/s accepted within ${result.burstAcceptedInS} s, all delivered ${result.allDeliveredAfterBurstStartS} s after its start`,
    );
    console.log(
      `quiet Mandant, receipt to delivery: p50 ${q.withoutBurst.p50} ms, p99 ${q.withoutBurst.p99} ms without the burst; ` +
        `p50 ${q.withBurst.p50} ms, p99 ${q.withBurst.p99} ms with it   (target p99 <= 2 × without)`,
    );
    console.log(
      `bursting Mandant, receipt to delivery: p50 ${result.burstDeliveryMs.p50} ms, p99 ${result.burstDeliveryMs.p99} ms`,
    );
    for (const [name, w] of Object.entries(where)) {
      if (!w) continue;
      const m = w.medianMs;
      const sl = w.slowestMs;
      console.log(
        `${name}: start → delivered, median of ${w.runs}: ${m.total} ms = queued on the server ${m.queued} + workflow tasks ${m.workflowTask} + activities ${m.activity} (+ between); ` +
          `slowest ${sl.totalMs} ms = ${sl.queuedMs} + ${sl.workflowTaskMs} + ${sl.activityMs}`,
      );
    }
    console.log(JSON.stringify(result));
  } finally {
    await services.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
