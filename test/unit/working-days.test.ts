import { describe, expect, it } from 'vitest';
import {
  addCalendarDays,
  addWorkingDays,
  addWorkingDaysToDate,
  addWorkingTime,
  berlinDateOf,
  berlinLocalToInstant,
  berlinParts,
  formatBerlin,
  isWorkingDay,
  saxonCalendar,
  saxonHolidays,
  workingDaysBetween,
  workingMillisBetween,
} from '../../domain/working-days';
import { H, t } from './lifecycle-fixtures';

describe('Saxon working days', () => {
  it('lists the Saxon public holidays of 2026 as feiertagejs gives them', () => {
    const holidays = saxonHolidays(2026);
    expect(holidays.map((h) => `${h.date} ${h.name}`)).toEqual([
      '2026-01-01 Neujahrstag',
      '2026-04-03 Karfreitag',
      '2026-04-06 Ostermontag',
      '2026-05-01 Tag der Arbeit',
      '2026-05-14 Christi Himmelfahrt',
      '2026-05-25 Pfingstmontag',
      '2026-10-03 Tag der Deutschen Einheit',
      '2026-10-31 Reformationstag',
      '2026-11-18 Buß- und Bettag',
      '2026-12-25 1. Weihnachtstag',
      '2026-12-26 2. Weihnachtstag',
    ]);
    // Buß- und Bettag is the Wednesday before 23 November; check a few years against the calendar.
    expect(saxonHolidays(2025).find((h) => h.id === 'BUBETAG')?.date).toBe('2025-11-19');
    expect(saxonHolidays(2027).find((h) => h.id === 'BUBETAG')?.date).toBe('2027-11-17');
    expect(new Date(Date.UTC(2026, 10, 18)).getUTCDay()).toBe(3);
    // Heilige Drei Könige and Fronleichnam are not statewide holidays in Saxony.
    expect(isWorkingDay('2026-01-06')).toBe(true);
    expect(isWorkingDay('2026-06-04')).toBe(true);
  });

  it('decides working days on Berlin dates, including holidays and weekends', () => {
    expect(isWorkingDay('2026-11-17')).toBe(true);
    expect(isWorkingDay('2026-11-18')).toBe(false); // Buß- und Bettag
    expect(isWorkingDay('2026-11-21')).toBe(false); // Saturday
    expect(isWorkingDay('2025-10-31')).toBe(false); // Reformationstag, a Friday
    expect(isWorkingDay('2025-12-24')).toBe(true); // Heiligabend is not a public holiday
    expect(isWorkingDay('2025-12-25')).toBe(false);
    expect(isWorkingDay('2025-12-26')).toBe(false);
    // 23:30 UTC on 17 Nov is already 00:30 on Buß- und Bettag in Berlin.
    expect(isWorkingDay(t('2026-11-17T22:30:00Z'))).toBe(true);
    expect(isWorkingDay(t('2026-11-17T23:30:00Z'))).toBe(false);
    expect(berlinDateOf(t('2026-11-17T23:30:00Z'))).toBe('2026-11-18');
    const closed = saxonCalendar({ extraNonWorkingDays: ['2025-12-24'] });
    expect(isWorkingDay('2025-12-24', closed)).toBe(false);
    expect(closed.nonWorkingReason('2025-12-24')).toBe('Schließtag');
    expect(closed.nonWorkingReason('2026-11-18')).toBe('Buß- und Bettag');
  });

  it('adds working days over holidays and weekends', () => {
    expect(addWorkingDaysToDate('2026-11-17', 1)).toBe('2026-11-19');
    expect(addWorkingDaysToDate('2025-12-23', 2)).toBe('2025-12-29');
    expect(addWorkingDaysToDate('2026-11-19', -1)).toBe('2026-11-17');
    expect(addWorkingDaysToDate('2025-10-30', 1)).toBe('2025-11-03');
    // Tuesday 10:00 + 1 working day skips Buß- und Bettag.
    expect(addWorkingDays(t('2026-11-17T10:00:00+01:00'), 1)).toBe(t('2026-11-19T10:00:00+01:00'));
    expect(addWorkingDays(t('2026-11-20T10:00:00+01:00'), 1)).toBe(t('2026-11-23T10:00:00+01:00'));
    // Christmas 2026: Thu 24 + 1 → Mon 28 (25/26 holidays on Fri/Sat, then Sunday).
    expect(addWorkingDays(t('2026-12-24T15:00:00+01:00'), 1)).toBe(t('2026-12-28T15:00:00+01:00'));
    // Started on a Saturday, the clock begins Monday 00:00; a full day ends at Tuesday 00:00.
    expect(addWorkingDays(t('2026-11-21T12:00:00+01:00'), 1)).toBe(t('2026-11-24T00:00:00+01:00'));
    // A day ending at Friday midnight is Saturday 00:00.
    expect(addWorkingTime(t('2026-11-20T00:00:00+01:00'), 24 * H)).toBe(t('2026-11-21T00:00:00+01:00'));
    expect(addWorkingTime(t('2026-11-19T10:00:00+01:00'), -24 * H)).toBe(t('2026-11-17T10:00:00+01:00'));
  });

  it('measures working time between instants in Berlin time across DST and Easter', () => {
    // DST starts Sun 29 Mar 2026: 71 wall-clock hours, but only Friday afternoon and Monday morning count.
    const from = t('2026-03-27T12:00:00+01:00');
    const to = t('2026-03-30T12:00:00+02:00');
    expect(to - from).toBe(71 * H);
    expect(workingMillisBetween(from, to)).toBe(24 * H);
    expect(workingDaysBetween(from, to)).toBe(1);
    // Easter 2026: Karfreitag 3 Apr, Ostermontag 6 Apr — only Thursday 2 Apr counts.
    expect(workingDaysBetween(t('2026-04-02T00:00:00+02:00'), t('2026-04-07T00:00:00+02:00'))).toBe(1);
    // DST ends Sun 25 Oct 2026; Reformationstag is Saturday 31 Oct that year.
    expect(workingDaysBetween(t('2026-10-23T00:00:00+02:00'), t('2026-11-03T00:00:00+01:00'))).toBe(7);
    expect(workingMillisBetween(to, from)).toBe(0);
  });

  it('does Berlin wall-clock math without Intl and agrees with Intl', () => {
    expect(addCalendarDays(t('2026-03-28T10:00:00+01:00'), 1)).toBe(t('2026-03-29T10:00:00+02:00'));
    expect(addCalendarDays(t('2026-03-28T10:00:00+01:00'), 1) - t('2026-03-28T10:00:00+01:00')).toBe(23 * H);
    expect(berlinLocalToInstant('2026-03-29', 2, 30)).toBe(t('2026-03-29T03:30:00+02:00')); // in the gap
    expect(berlinLocalToInstant('2026-10-25', 2, 30)).toBe(t('2026-10-25T02:30:00+02:00')); // first of two
    expect(formatBerlin(t('2026-07-01T22:15:00Z'))).toBe('2026-07-02 00:15');

    const fmt = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Berlin',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    const two = (n: number) => String(n).padStart(2, '0');
    const ours = (instant: number) => {
      const p = berlinParts(instant);
      return `${two(p.day)}/${two(p.month)}/${p.year}, ${two(p.hour)}:${two(p.minute)}`;
    };
    const instants: number[] = [];
    for (let i = t('2025-01-01T00:00:00Z'); i < t('2028-01-01T00:00:00Z'); i += 7 * H + 13 * 60_000) instants.push(i);
    // Every quarter hour around each DST switch (01:00 UTC on the last Sundays of March and October).
    for (const sw of ['2025-03-30', '2025-10-26', '2026-03-29', '2026-10-25', '2027-03-28', '2027-10-31']) {
      for (let i = t(`${sw}T01:00:00Z`) - 3 * H; i <= t(`${sw}T01:00:00Z`) + 3 * H; i += 15 * 60_000) instants.push(i);
    }
    for (const instant of instants) expect(ours(instant)).toBe(fmt.format(instant));
    expect(instants.length).toBe(3642 + 6 * 25);
  });
});
