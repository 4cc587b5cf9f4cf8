// Where a process's CPU time went, from a V8 .cpuprofile (node --cpu-prof): every sample is given to the first
// frame, walking from the leaf up, whose script names a part of the submission path (validation, PostgreSQL,
// crypto, the Temporal client, logging, HTTP); a builtin or a node: internal without a part of its own
// (JSON.stringify, node:crypto) counts for whoever called it. Only samples inside a time window count, so the process's start-up stays out.
// Also a command: node --import tsx scripts/bench/cpu-profile.ts <file.cpuprofile> [count]
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** First match wins; tested against the frame's script URL, or its function name for the pseudo-frames. */
const CATEGORIES: Array<[string, RegExp]> = [
  ['idle', /^\(idle\)$/],
  ['garbage collection', /^\(garbage collector\)$/],
  [
    'logging (pino)',
    /node_modules\/(pino|pino-std-serializers|sonic-boom|fast-redact|thread-stream|on-exit-leak-free)\//,
  ],
  [
    'validation (zod, form compiler)',
    /node_modules\/(zod|@hono\/zod-validator)\/|\/domain\/formular\/|\/domain\/field-errors|\/api\/validation\.ts/,
  ],
  ['PostgreSQL (pg, kysely)', /node_modules\/(pg|pg-protocol|pg-pool|pg-types|postgres-[a-z]+|kysely)\//],
  ['payload encryption (payload codec)', /\/runtime\/payload-codec\.ts/],
  [
    'Temporal start call (client, protobuf, gRPC)',
    /node_modules\/@temporalio\/|node_modules\/(protobufjs|@grpc|@protobufjs|long)\/|node:internal\/http2|node:http2/,
  ],
  ['bearer token (jose)', /node_modules\/jose\/|\/api\/auth\.ts/],
  ['metrics (prom-client)', /node_modules\/(prom-client|tdigest|bintrees)\/|\/api\/metrics\.ts/],
  [
    'payload hash, Vorgangsnummer, status token',
    /\/api\/antrag-eingabe\.ts|\/runtime\/tokens\.ts|\/domain\/vorgangsnummer/,
  ],
  ['edge checks (character scan, body limit)', /\/api\/edge\.ts/],
  [
    'HTTP server (Hono, node-server, undici)',
    /node_modules\/(hono|@hono\/node-server)\/|node:_http|node:internal\/deps\/undici/,
  ],
  [
    'socket I/O (net, streams: HTTP, pg, gRPC alike)',
    /node:net|node:internal\/streams|node:stream|node:internal\/stream_base/,
  ],
  ['our other code', /\/(api|app|db|runtime|domain|messages|ui|integrations)\/[^/]+/],
];

const categoryOf = (frame: ProfileNode['callFrame']): string | undefined => {
  const subject = frame.url || frame.functionName;
  return CATEGORIES.find(([, re]) => re.test(subject))?.[0];
};

export interface ProfileSummary {
  /** ms of CPU (not idle) inside the window */
  busyMs: number;
  idleMs: number;
  /** ms per category, busiest first */
  categories: Array<{ category: string; ms: number; share: number }>;
  /** the functions with the most self time, with where they are */
  topSelf: Array<{ fn: string; ms: number }>;
}

/** `window` in the profile's clock (µs, CLOCK_MONOTONIC like process.hrtime); omitted: the whole profile. */
export function summarizeProfile(file: string, window?: { from: number; to: number }): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const category = new Map<number, string>();
  const categoryFor = (id: number): string => {
    const known = category.get(id);
    if (known) return known;
    const node = byId.get(id)!;
    const own = categoryOf(node.callFrame);
    const up = parent.get(id);
    const result = own ?? (up === undefined ? 'other (program, builtins)' : categoryFor(up));
    category.set(id, result);
    return result;
  };
  const perCategory = new Map<string, number>();
  const perFunction = new Map<string, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i]!;
    // A sample's time is the gap to the next one.
    const next = i + 1 < profile.timeDeltas.length ? profile.timeDeltas[i + 1]! : 0;
    if (window && (t < window.from || t > window.to)) continue;
    const id = profile.samples[i]!;
    const cat = categoryFor(id);
    perCategory.set(cat, (perCategory.get(cat) ?? 0) + next);
    const f = byId.get(id)!.callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(?=(api|app|db|runtime|domain)\/)/, '')}:${f.lineNumber + 1}`;
    perFunction.set(name, (perFunction.get(name) ?? 0) + next);
  }
  const ms = (us: number) => Math.round(us / 10) / 100;
  const idleUs = perCategory.get('idle') ?? 0;
  perCategory.delete('idle');
  perFunction.delete(`(idle) :0`);
  const busyUs = [...perCategory.values()].reduce((a, b) => a + b, 0);
  return {
    busyMs: ms(busyUs),
    idleMs: ms(idleUs),
    categories: [...perCategory]
      .sort((a, b) => b[1] - a[1])
      .map(([c, us]) => ({ category: c, ms: ms(us), share: Math.round((us / busyUs) * 1000) / 10 })),
    topSelf: [...perFunction]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([fn, us]) => ({ fn, ms: ms(us) })),
  };
}

/** Prints a summary, per submission when `count` is given. */
export function printProfile(summary: ProfileSummary, count: number, print: (line: string) => void) {
  const per = (ms: number) => (count > 0 ? `${(ms / count).toFixed(3)} ms/submission` : '');
  print(`CPU busy ${summary.busyMs} ms (${per(summary.busyMs)}), idle ${summary.idleMs} ms`);
  for (const c of summary.categories) {
    print(`  ${c.category.padEnd(46)} ${String(c.ms).padStart(9)} ms  ${String(c.share).padStart(5)} %  ${per(c.ms)}`);
  }
  print('most self time:');
  for (const f of summary.topSelf) print(`  ${String(f.ms).padStart(9)} ms  ${f.fn}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, count] = process.argv.slice(2);
  printProfile(summarizeProfile(file!), Number(count ?? 0), console.log);
}
