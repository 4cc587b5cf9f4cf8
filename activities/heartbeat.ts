// A dead worker is noticed by its missed heartbeats, not by the end of the start-to-close timeout: an activity
// whose workflow asked for a heartbeat timeout beats while it runs, so a kill -9 costs seconds instead of minutes.
// Activities that beat on their own (they carry progress in the details) are not wrapped: a bare beat here
// would overwrite their details.
import { Context } from '@temporalio/activity';

function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // called outside an activity (a script, a unit test): nobody to beat for
  }
}

/** Runs `run`, heartbeating every third of the heartbeat timeout while it is busy (the SDK throttles further). */
export async function mitHerzschlag<T>(run: () => Promise<T>): Promise<T> {
  const ctx = currentContext();
  const timeoutMs = ctx?.info.heartbeatTimeoutMs;
  if (!ctx || !timeoutMs) return run();
  // An activity done within the first interval never beats at all: no extra call for the short ones.
  const timer = setInterval(() => ctx.heartbeat(), Math.max(500, timeoutMs / 3));
  try {
    return await run();
  } finally {
    clearInterval(timer);
  }
}

type AnyActivity = (...args: never[]) => Promise<unknown>;

/** Every activity of `acts`, each wrapped in `mitHerzschlag`, with its own type. */
export function herzschlagend<T extends Record<string, AnyActivity>>(acts: T): T {
  return Object.fromEntries(
    Object.entries(acts).map(([name, fn]) => [name, (...args: never[]) => mitHerzschlag(() => fn(...args))]),
  ) as T;
}
