// An SLA clock derived only from its event list, so a workflow can rebuild it at any point of replay and sleep
// until `nextWakeAt` instead of polling.
import {
  addWorkingTime,
  SAXON_CALENDAR,
  WORKING_DAY_MS,
  workingMillisBetween,
  type DeadlineSpec,
  type Instant,
  type WorkingCalendar,
} from '../working-days';

export type SlaEventType = 'started' | 'paused' | 'resumed' | 'stopped';

export interface SlaEvent {
  type: SlaEventType;
  at: Instant;
  reason?: string;
}

export interface SlaPolicy {
  /** e.g. { amount: 5, unit: 'working-days' } */
  target: DeadlineSpec;
  /** Share of the target after which the clock warns; default 0.8. */
  warnAtRatio?: number;
}

export type SlaState = 'not-started' | 'ok' | 'warning' | 'breached' | 'paused' | 'stopped';

export interface SlaClock {
  state: SlaState;
  running: boolean;
  budgetMs: number;
  warningThresholdMs: number;
  /** Counted time so far (working time for working-day targets). */
  elapsedMs: number;
  remainingMs: number;
  overdueMs: number;
  startedAt: Instant | null;
  pausedSince: Instant | null;
  stoppedAt: Instant | null;
  /** When the warning threshold was crossed, or will be crossed if the clock keeps running; null if unknown. */
  warningAt: Instant | null;
  /** Same for the breach. */
  breachAt: Instant | null;
  warningReached: boolean;
  breached: boolean;
  /** The next future instant at which `state` changes by itself (only while running). Sleep until then. */
  nextWakeAt: Instant | null;
}

export const DEFAULT_WARN_AT_RATIO = 0.8;

interface Measure {
  between(from: Instant, to: Instant): number;
  advance(from: Instant, ms: number): Instant;
}

function measureFor(spec: DeadlineSpec, calendar: WorkingCalendar): Measure {
  if (spec.unit === 'working-days') {
    return {
      between: (from, to) => workingMillisBetween(from, to, calendar),
      advance: (from, ms) => addWorkingTime(from, ms, calendar),
    };
  }
  // Calendar-day SLAs count elapsed real time; n days are n × 24 h.
  return { between: (from, to) => Math.max(0, to - from), advance: (from, ms) => from + ms };
}

function budgetOf(policy: SlaPolicy): { budgetMs: number; warningThresholdMs: number } {
  const { amount } = policy.target;
  if (!(amount > 0) || !Number.isFinite(amount)) throw new RangeError(`SLA-Ziel muss positiv sein: ${amount}`);
  const ratio = policy.warnAtRatio ?? DEFAULT_WARN_AT_RATIO;
  if (!(ratio > 0 && ratio <= 1)) throw new RangeError(`Warnschwelle muss in (0, 1] liegen: ${ratio}`);
  const budgetMs = Math.round(amount * WORKING_DAY_MS);
  return { budgetMs, warningThresholdMs: Math.round(budgetMs * ratio) };
}

/** Stable chronological order; events after `now` are not yet real and are ignored. */
function effectiveEvents(events: readonly SlaEvent[], now: Instant): SlaEvent[] {
  return events
    .map((event, index) => ({ event, index }))
    .filter(({ event }) => event.at <= now)
    .sort((a, b) => a.event.at - b.event.at || a.index - b.index)
    .map(({ event }) => event);
}

/**
 * Computes the clock at `now`. Tolerant by design (events come from signals that may be delivered twice): a
 * repeated start/pause/resume/stop is ignored, as is everything before the first start or after the stop.
 * Use `appendSlaEvent` to refuse such events when recording them.
 */
export function computeSla(
  events: readonly SlaEvent[],
  policy: SlaPolicy,
  now: Instant,
  calendar: WorkingCalendar = SAXON_CALENDAR,
): SlaClock {
  const { budgetMs, warningThresholdMs } = budgetOf(policy);
  const measure = measureFor(policy.target, calendar);

  let startedAt: Instant | null = null;
  let stoppedAt: Instant | null = null;
  let pausedSince: Instant | null = null;
  let runningSince: Instant | null = null;
  const intervals: Array<[Instant, Instant]> = [];

  for (const event of effectiveEvents(events, now)) {
    if (stoppedAt !== null) break;
    switch (event.type) {
      case 'started':
        if (startedAt === null) {
          startedAt = event.at;
          runningSince = event.at;
        }
        break;
      case 'paused':
        if (runningSince !== null) {
          intervals.push([runningSince, event.at]);
          runningSince = null;
          pausedSince = event.at;
        }
        break;
      case 'resumed':
        if (startedAt !== null && pausedSince !== null) {
          runningSince = event.at;
          pausedSince = null;
        }
        break;
      case 'stopped':
        if (startedAt !== null) {
          if (runningSince !== null) intervals.push([runningSince, event.at]);
          runningSince = null;
          pausedSince = null;
          stoppedAt = event.at;
        }
        break;
    }
  }
  const running = runningSince !== null;
  if (runningSince !== null) intervals.push([runningSince, now]);

  let elapsedMs = 0;
  let warningAt: Instant | null = null;
  let breachAt: Instant | null = null;
  for (const [from, to] of intervals) {
    const length = measure.between(from, to);
    if (warningAt === null && elapsedMs + length >= warningThresholdMs) {
      warningAt = measure.advance(from, warningThresholdMs - elapsedMs);
    }
    if (breachAt === null && elapsedMs + length >= budgetMs) {
      breachAt = measure.advance(from, budgetMs - elapsedMs);
    }
    elapsedMs += length;
  }
  const warningReached = startedAt !== null && elapsedMs >= warningThresholdMs;
  const breached = startedAt !== null && elapsedMs >= budgetMs;

  let nextWakeAt: Instant | null = null;
  if (running) {
    if (warningAt === null) warningAt = measure.advance(now, warningThresholdMs - elapsedMs);
    if (breachAt === null) breachAt = measure.advance(now, budgetMs - elapsedMs);
    const future = [warningAt, breachAt].filter((t) => t > now);
    nextWakeAt = future.length > 0 ? Math.min(...future) : null;
  }

  let state: SlaState;
  if (startedAt === null) state = 'not-started';
  else if (stoppedAt !== null) state = 'stopped';
  else if (pausedSince !== null) state = 'paused';
  else if (breached) state = 'breached';
  else if (warningReached) state = 'warning';
  else state = 'ok';

  return {
    state,
    running,
    budgetMs,
    warningThresholdMs,
    elapsedMs,
    remainingMs: Math.max(0, budgetMs - elapsedMs),
    overdueMs: Math.max(0, elapsedMs - budgetMs),
    startedAt,
    pausedSince,
    stoppedAt,
    warningAt,
    breachAt,
    warningReached,
    breached,
    nextWakeAt,
  };
}

export type SlaEventErrorCode =
  'out-of-order' | 'not-started' | 'already-started' | 'already-paused' | 'not-paused' | 'already-stopped';

export type AppendSlaEventResult =
  { ok: true; events: SlaEvent[] } | { ok: false; error: { code: SlaEventErrorCode; message: string } };

/** Appends an event if it makes sense after the existing ones (which are assumed to be valid and ordered). */
export function appendSlaEvent(events: readonly SlaEvent[], event: SlaEvent): AppendSlaEventResult {
  const fail = (code: SlaEventErrorCode, message: string): AppendSlaEventResult => ({
    ok: false,
    error: { code, message },
  });
  const last = events[events.length - 1];
  if (last && event.at < last.at) return fail('out-of-order', 'Ereignis liegt vor dem letzten erfassten Ereignis.');
  const started = events.some((e) => e.type === 'started');
  const stopped = events.some((e) => e.type === 'stopped');
  const lastPauseOrResume = [...events].reverse().find((e) => e.type === 'paused' || e.type === 'resumed');
  const paused = lastPauseOrResume?.type === 'paused';
  switch (event.type) {
    case 'started':
      if (started) return fail('already-started', 'Die Frist läuft bereits.');
      break;
    case 'paused':
      if (!started) return fail('not-started', 'Die Frist wurde noch nicht gestartet.');
      if (stopped) return fail('already-stopped', 'Die Frist ist bereits beendet.');
      if (paused) return fail('already-paused', 'Die Frist ist bereits angehalten.');
      break;
    case 'resumed':
      if (!started) return fail('not-started', 'Die Frist wurde noch nicht gestartet.');
      if (stopped) return fail('already-stopped', 'Die Frist ist bereits beendet.');
      if (!paused) return fail('not-paused', 'Die Frist ist nicht angehalten.');
      break;
    case 'stopped':
      if (!started) return fail('not-started', 'Die Frist wurde noch nicht gestartet.');
      if (stopped) return fail('already-stopped', 'Die Frist ist bereits beendet.');
      break;
  }
  return { ok: true, events: [...events, event] };
}
