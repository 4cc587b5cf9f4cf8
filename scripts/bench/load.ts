// Load generation and figures shared by the benches: a fixed-rate open loop, a bounded pool, percentiles.
import net from 'node:net';

export const say = (line: string) => console.error(`[bench] ${line}`);
export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A port the OS has just handed out (the bench runs its own servers). */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Open loop at a fixed rate: request i is sent at t0 + i/rate whether or not earlier ones answered. */
export async function openLoop(
  count: number,
  rate: number,
  fn: (i: number) => Promise<void>,
): Promise<{ latencies: number[]; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      (async () => {
        const started = performance.now();
        try {
          await fn(i);
          latencies.push(performance.now() - started);
        } catch (err) {
          errors += 1;
          if (errors <= 3) say(`error: ${(err as Error).message}`);
        }
      })(),
    );
  }
  await Promise.all(pending);
  return { latencies, errors };
}

/** Runs fn(0 … count-1) with at most `parallel` at a time. */
export async function concurrently(count: number, parallel: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let i = next++; i < count; i = next++) await fn(i);
    }),
  );
}

/** Runs fn over the items with at most `concurrency` at a time. */
export async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}
