// npm run bench:recovery [count] — P6: `count` paid Anträge (default 500) in flight, the worker killed with
// SIGKILL once every payment has landed at ePayBL and the first delivery has begun, a new worker started at once. Measures the time from the
// restart until every Antrag is delivered and counts what was done twice from the outside systems' own records:
// the authority's pickup of the Transferverzeichnis (a folder taken twice for one Vorgang is a double delivery)
// and the Kassenzeichen ePayBL created. Ends with one line of JSON.
import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { sql } from 'kysely';
import { demoUsers, signToken } from '../api/auth';
import { deriveKeys } from '../runtime/keys';
import { loadConfigOrExit } from '../runtime/config';
import { concurrently, round, say } from './bench/load';
import { BENCH_AUTH_SECRET, MIT_GEBUEHR, startBenchServices, submitter, type BenchDb } from './bench/services';

const COUNT = Number(process.argv[2] ?? 500);
const TARGET_S = 30;
const config = loadConfigOrExit();

const COUNTS = {
  delivered: sql<{ n: number }>`select count(*)::int as n from zustellung where zugestellt_am is not null`,
  deliveriesInFlight: sql<{
    n: number;
  }>`select count(*)::int as n from zustellung where zugestellt_am is null and versuche > 0`,
  kassenzeichen: sql<{ n: number }>`select count(*)::int as n from zahlung where kassenzeichen is not null`,
};
const count = async (db: BenchDb, what: keyof typeof COUNTS) => (await COUNTS[what].execute(db)).rows[0]!.n;

/** The authority's software: takes every complete folder it sees off the share and counts it per Vorgang. */
function authorityPickup(share: string, into: string) {
  fs.mkdirSync(into, { recursive: true });
  const taken = new Map<string, number>();
  const sweep = () => {
    for (const name of fs.readdirSync(share)) {
      if (name.startsWith('.')) continue; // being written, or the ledger
      const n = (taken.get(name) ?? 0) + 1;
      fs.renameSync(path.join(share, name), path.join(into, `${name}#${n}`));
      taken.set(name, n);
    }
  };
  const timer = setInterval(sweep, 250);
  return {
    taken,
    stop() {
      clearInterval(timer);
      sweep();
    },
  };
}

function spawnWorker(services: Awaited<ReturnType<typeof startBenchServices>>) {
  const child = services.spawnChild('app/worker.ts', { LOG_LEVEL: 'info' });
  const ready = new Promise<number>((resolve) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      if (buffered.includes('"worker started"')) {
        resolve(performance.now());
        buffered = '';
      } else if (buffered.length > 100_000) buffered = buffered.slice(-1000);
    });
  });
  return { child, ready };
}

const exited = (child: ChildProcess) =>
  new Promise((r) => (child.exitCode !== null || child.signalCode ? r(null) : child.once('exit', r)));

async function main() {
  say('starting Temporal, PostgreSQL, SMTP, ePayBL simulator…');
  const services = await startBenchServices(config);
  const { db, epaybl } = services;
  try {
    let worker = spawnWorker(services);
    const api = await services.startApi();
    await worker.ready;
    const token = await signToken(
      deriveKeys([BENCH_AUTH_SECRET]).bearer,
      demoUsers.find((u) => u.id === 'buerger-anna')!,
    );
    const submit = submitter(token);
    const pickup = authorityPickup(services.transferDir(MIT_GEBUEHR), path.join(services.dir, 'abgeholt'));

    say(`${COUNT} paid Anträge: submitting…`);
    await concurrently(COUNT, 16, (i) => submit(api.url, MIT_GEBUEHR, `recovery-${i}`).then(() => undefined));
    say(`submitted; waiting for ${COUNT} Kassenzeichen…`);
    for (let last = -1, n = 0; n < COUNT; n = await count(db, 'kassenzeichen')) {
      if (n !== last && n % 100 < last % 100) say(`${n} Kassenzeichen`);
      last = n;
      await new Promise((r) => setTimeout(r, 200));
    }
    const kassenzeichen = await db
      .selectFrom('zahlung')
      .select(['kassenzeichen'])
      .where('kassenzeichen', 'is not', null)
      .execute();
    say(`paying ${kassenzeichen.length} Kassenzeichen; SIGKILL to the worker when the first delivery starts…`);
    for (const { kassenzeichen: kz } of kassenzeichen) epaybl.zahlung(kz!, 3050, 'GIROPAY');
    // The kill hits payment polls and deliveries alike: it waits for the first delivery to start.
    while ((await count(db, 'deliveriesInFlight')) + (await count(db, 'delivered')) === 0)
      await new Promise((r) => setTimeout(r, 20));
    worker.child.kill('SIGKILL');
    await exited(worker.child);
    const atKill = {
      delivered: await count(db, 'delivered'),
      deliveriesInFlight: await count(db, 'deliveriesInFlight'),
    };
    say(`killed: ${atKill.delivered} delivered, ${atKill.deliveriesInFlight} deliveries started and unfinished`);

    const restartedAt = performance.now();
    worker = spawnWorker(services);
    const readyAt = await worker.ready;
    let lastDeliveredAt = performance.now();
    const timeline: [number, number][] = []; // [seconds after the restart, delivered], once a second
    for (let delivered = atKill.delivered; delivered < COUNT;) {
      await new Promise((r) => setTimeout(r, 100));
      const now = await count(db, 'delivered');
      const s = Math.floor((performance.now() - restartedAt) / 1000);
      if (timeline.at(-1)?.[0] !== s) timeline.push([s, now]);
      if (now !== delivered) lastDeliveredAt = performance.now();
      delivered = now;
      if (performance.now() - restartedAt > 15 * 60_000) throw new Error(`only ${delivered} of ${COUNT} delivered`);
    }
    await new Promise((r) => setTimeout(r, 2000)); // a late double delivery would show up in the pickup now
    pickup.stop();

    const taken = [...pickup.taken.values()];
    const result = {
      count: COUNT,
      atKill,
      workerReadyAfterRestartS: round((readyAt - restartedAt) / 1000, 2),
      allDeliveredAfterRestartS: round((lastDeliveredAt - restartedAt) / 1000, 2),
      allDeliveredAfterReadyS: round((lastDeliveredAt - readyAt) / 1000, 2),
      pickedUp: taken.length,
      lost: COUNT - taken.length,
      deliveredTwice: taken.filter((n) => n > 1).length,
      kassenzeichenCreated: epaybl.callCount('anlegenKassenzeichen'),
      timeline,
      target: { allDeliveredAfterRestartS: `<= ${TARGET_S}`, lost: 0, deliveredTwice: 0 },
      met: lastDeliveredAt - restartedAt <= TARGET_S * 1000 && taken.length === COUNT && taken.every((n) => n === 1),
    };
    console.log('');
    console.log(
      `at the kill: ${atKill.delivered} of ${COUNT} delivered, ${atKill.deliveriesInFlight} deliveries in flight`,
    );
    console.log(`new worker ready after ${result.workerReadyAfterRestartS} s`);
    console.log(
      `all ${COUNT} delivered ${result.allDeliveredAfterRestartS} s after the restart (${result.allDeliveredAfterReadyS} s after ready)   (target <= ${TARGET_S} s)`,
    );
    console.log(
      `authority picked up ${taken.length} Vorgänge, ${result.deliveredTwice} twice, ${result.lost} missing; ePayBL created ${result.kassenzeichenCreated} Kassenzeichen for ${COUNT} Anträge`,
    );
    console.log(`delivered by second after the restart: ${timeline.map(([t, n]) => `${t}s:${n}`).join(' ')}`);
    console.log(JSON.stringify(result));
  } finally {
    await services.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
