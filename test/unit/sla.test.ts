import { describe, expect, it } from 'vitest';
import { appendSlaEvent, computeSla, type SlaEvent, type SlaPolicy } from '../../domain/rollout/sla';
import { H, t } from './lifecycle-fixtures';

describe('SLA clock', () => {
  const policy: SlaPolicy = { target: { amount: 5, unit: 'working-days' }, warnAtRatio: 0.8 };
  const started = t('2026-11-17T10:00:00+01:00'); // Tuesday before Buß- und Bettag

  it('runs over a holiday and a weekend without pause', () => {
    const clock = computeSla([{ type: 'started', at: started }], policy, started + 60_000);
    expect(clock.state).toBe('ok');
    expect(clock.budgetMs).toBe(120 * H);
    expect(clock.warningThresholdMs).toBe(96 * H);
    // 14 h Tue + (Wed holiday) + 24 Thu + 24 Fri + 24 Mon = 86 h; 10 more on Tue 24 Nov.
    expect(clock.warningAt).toBe(t('2026-11-24T10:00:00+01:00'));
    expect(clock.breachAt).toBe(t('2026-11-25T10:00:00+01:00'));
    expect(clock.nextWakeAt).toBe(t('2026-11-24T10:00:00+01:00'));
  });

  it('pauses, resumes, warns and breaches across Buß- und Bettag and a weekend', () => {
    const events: SlaEvent[] = [
      { type: 'started', at: started },
      { type: 'paused', at: t('2026-11-19T12:00:00+01:00') },
      { type: 'resumed', at: t('2026-11-23T09:00:00+01:00') },
    ];
    const paused = computeSla(events, policy, t('2026-11-21T12:00:00+01:00'));
    expect(paused.state).toBe('paused');
    expect(paused.elapsedMs).toBe(26 * H); // 14 h Tue + 12 h Thu
    expect(paused.nextWakeAt).toBeNull();
    expect(paused.pausedSince).toBe(t('2026-11-19T12:00:00+01:00'));
    expect(paused.warningAt).toBeNull();

    const running = computeSla(events, policy, t('2026-11-23T12:00:00+01:00'));
    expect(running.state).toBe('ok');
    expect(running.elapsedMs).toBe(29 * H);
    expect(running.remainingMs).toBe(91 * H);
    expect(running.warningAt).toBe(t('2026-11-26T07:00:00+01:00'));
    expect(running.breachAt).toBe(t('2026-11-27T07:00:00+01:00'));
    expect(running.nextWakeAt).toBe(t('2026-11-26T07:00:00+01:00'));

    const warning = computeSla(events, policy, t('2026-11-26T08:00:00+01:00'));
    expect(warning.state).toBe('warning');
    expect(warning.warningAt).toBe(t('2026-11-26T07:00:00+01:00'));
    expect(warning.nextWakeAt).toBe(t('2026-11-27T07:00:00+01:00'));

    const breach = computeSla(events, policy, t('2026-11-27T07:00:00+01:00'));
    expect(breach.state).toBe('breached');
    expect(breach.elapsedMs).toBe(120 * H);
    expect(breach.overdueMs).toBe(0);
    expect(breach.nextWakeAt).toBeNull();

    const later = computeSla(events, policy, t('2026-11-30T07:00:00+01:00'));
    expect(later.overdueMs).toBe(24 * H); // 17 h Fri + 7 h Mon, weekend not counted
    expect(later.breachAt).toBe(t('2026-11-27T07:00:00+01:00'));

    const stopped = computeSla(
      [...events, { type: 'stopped', at: t('2026-11-30T08:00:00+01:00') }],
      policy,
      t('2026-12-05T12:00:00+01:00'),
    );
    expect(stopped.state).toBe('stopped');
    expect(stopped.breached).toBe(true);
    expect(stopped.elapsedMs).toBe(145 * H);
    expect(stopped.stoppedAt).toBe(t('2026-11-30T08:00:00+01:00'));
  });

  it('supports calendar-day SLAs, ignores duplicates and refuses nonsensical events', () => {
    const cal = computeSla(
      [{ type: 'started', at: started }],
      { target: { amount: 2, unit: 'calendar-days' }, warnAtRatio: 0.5 },
      started,
    );
    expect(cal.warningAt).toBe(started + 24 * H);
    expect(cal.breachAt).toBe(started + 48 * H);
    expect(computeSla([], policy, started).state).toBe('not-started');
    const dup = computeSla(
      [
        { type: 'started', at: started },
        { type: 'paused', at: started + H },
        { type: 'paused', at: started + 2 * H },
        { type: 'resumed', at: started + 3 * H },
      ],
      policy,
      started + 4 * H,
    );
    expect(dup.elapsedMs).toBe(2 * H);

    const base: SlaEvent[] = [{ type: 'started', at: started }];
    const paused = appendSlaEvent(base, { type: 'paused', at: started + H });
    expect(paused.ok).toBe(true);
    if (!paused.ok) return;
    expect(appendSlaEvent(paused.events, { type: 'paused', at: started + 2 * H })).toMatchObject({
      ok: false,
      error: { code: 'already-paused' },
    });
    expect(appendSlaEvent(base, { type: 'resumed', at: started + H })).toMatchObject({
      ok: false,
      error: { code: 'not-paused' },
    });
    expect(appendSlaEvent(base, { type: 'stopped', at: started - H })).toMatchObject({
      ok: false,
      error: { code: 'out-of-order' },
    });
    expect(appendSlaEvent([], { type: 'paused', at: started })).toMatchObject({
      ok: false,
      error: { code: 'not-started' },
    });
    expect(() => computeSla(base, { target: { amount: 5, unit: 'working-days' }, warnAtRatio: 1.5 }, started)).toThrow(
      RangeError,
    );
  });
});
