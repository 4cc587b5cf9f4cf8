// The sustainable rate of this machine for one kind of request: the highest open-loop rate at which its p99 stays
// under a limit (twice its idle p99) with no error. Doubling from a start rate until a step fails, then bisecting
// between the last rate that held and the first that did not. Each step is a few seconds: a search, not a soak.
import { openLoop, percentile, round, say } from './load';

export interface RateStep {
  rate: number;
  count: number;
  p50: number;
  p99: number;
  errors: number;
  held: boolean;
}

export interface RateSearchOptions {
  /** latency limit in ms a step's p99 must stay under */
  p99Limit: number;
  /** first rate tried, per second */
  startRate: number;
  /** no step beyond this rate */
  maxRate: number;
  /** seconds per step (at least `minSamples` requests) */
  stepSeconds: number;
  minSamples: number;
  /** bisection steps after the doubling */
  bisections: number;
}

/** `fn(n)` sends request n (n counts on across steps, so ids never repeat). */
export async function findSustainableRate(
  fn: (n: number) => Promise<void>,
  opts: RateSearchOptions,
): Promise<{ rate: number; steps: RateStep[] }> {
  const steps: RateStep[] = [];
  let sent = 0;
  const step = async (rate: number): Promise<boolean> => {
    const count = Math.max(opts.minSamples, Math.round(rate * opts.stepSeconds));
    const offset = sent;
    sent += count;
    const r = await openLoop(count, rate, (i) => fn(offset + i));
    const p99 = r.latencies.length > 0 ? percentile(r.latencies, 99) : Infinity;
    const held = r.errors === 0 && p99 <= opts.p99Limit;
    const p50 = r.latencies.length > 0 ? percentile(r.latencies, 50) : Infinity;
    steps.push({ rate, count, p50: round(p50), p99: round(p99), errors: r.errors, held });
    say(
      `  ${rate}/s: p50 ${round(p50)} ms, p99 ${round(p99)} ms, ${r.errors} errors — ${held ? 'holds' : 'too fast'} (limit ${round(opts.p99Limit)} ms)`,
    );
    // Let what is still queued anywhere settle before the next step.
    await new Promise((r) => setTimeout(r, 500));
    return held;
  };

  let lo = 0;
  let hi = 0;
  for (let rate = opts.startRate; ; rate *= 2) {
    if (rate > opts.maxRate) {
      lo = opts.maxRate;
      break;
    }
    if (await step(rate)) lo = rate;
    else {
      hi = rate;
      break;
    }
  }
  for (let i = 0; hi > 0 && i < opts.bisections && hi - lo > Math.max(2, lo * 0.1); i++) {
    const mid = Math.round((lo + hi) / 2);
    if (await step(mid)) lo = mid;
    else hi = mid;
  }
  return { rate: lo, steps };
}
