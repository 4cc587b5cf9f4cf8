// The domain clock of a workflow. In production it is the real clock. A test (or a demo) may run a workflow on a
// scaled calendar that starts at a chosen instant: the domain logic (working days, Saxon holidays, SLA) then
// sees real calendar dates, while timers sleep `1/scale` of the domain time. Every instant the workflows persist
// or report is domain time; the clock travels with them (input, continue-as-new, projections).
import type { Instant } from './working-days';

export interface DomainClock {
  /** domain milliseconds per real millisecond (1 in production) */
  scale: number;
  /** a real instant and the domain instant it corresponds to */
  originReal: Instant;
  originVirtual: Instant;
}

/** What a caller may ask for; missing origins are fixed when the workflow starts. */
export interface ClockSettings {
  scale?: number;
  /** domain instant at the real instant `originReal` (default: the same instant) */
  startAt?: Instant;
  originReal?: Instant;
}

export const REAL_TIME: DomainClock = { scale: 1, originReal: 0, originVirtual: 0 };

export function resolveClock(settings: ClockSettings | DomainClock | undefined, realNow: Instant): DomainClock {
  if (!settings) return REAL_TIME;
  if ('originVirtual' in settings) return settings;
  const scale = settings.scale ?? 1;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`clock scale must be positive: ${scale}`);
  if (scale === 1 && settings.startAt === undefined) return REAL_TIME;
  const originReal = settings.originReal ?? realNow;
  return { scale, originReal, originVirtual: settings.startAt ?? originReal };
}

export function domainNow(clock: DomainClock, realNow: Instant): Instant {
  return Math.round(clock.originVirtual + (realNow - clock.originReal) * clock.scale);
}

/** The real instant at which the domain clock shows `domainInstant`. */
export function realInstantOf(clock: DomainClock, domainInstant: Instant): Instant {
  return clock.originReal + (domainInstant - clock.originVirtual) / clock.scale;
}

/** Real milliseconds to sleep from domain instant `from` until domain instant `to` (at least 1 ms). */
export function realDelayMs(clock: DomainClock, from: Instant, to: Instant): number {
  return Math.max(1, Math.ceil((to - from) / clock.scale));
}
