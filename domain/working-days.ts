// Saxon working days and Europe/Berlin calendar math for deterministic workflow code.
//
// The Berlin offset is computed from the EU daylight-saving rule (since 1996: CEST from the last Sunday of
// March 01:00 UTC to the last Sunday of October 01:00 UTC) instead of Intl, so the result never depends on the
// ICU data of whatever runtime replays the workflow. Holidays come from feiertagejs; only its pure
// `getHolidays` is used and its dates are read through their UTC fields (the library pins them to 12:00 UTC),
// which avoids the library's Intl/local-timezone paths.
//
// Working time model: a working day contributes its whole Berlin calendar day (00:00–24:00) of working time.
// Working days never contain a DST switch (those are Sundays), so one working day is always exactly
// WORKING_DAY_MS. Deadlines "n working days" therefore mean n × 24 h of time lying on working days.
import { getHolidays } from 'feiertagejs';

/** Epoch milliseconds (UTC). All instants in this module are plain numbers so they survive JSON payloads. */
export type Instant = number;
/** A Berlin calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;

export const HOUR_MS = 3_600_000;
export const WORKING_DAY_MS = 24 * HOUR_MS;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface BerlinParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
  /** offset from UTC in ms (3_600_000 CET, 7_200_000 CEST) */
  offsetMs: number;
}

function lastSundayUtcDay(year: number, month1: number): number {
  // Day 0 of the following month is the last day of month1.
  const last = new Date(Date.UTC(year, month1, 0));
  return last.getUTCDate() - last.getUTCDay();
}

/** UTC offset of Europe/Berlin at an instant (EU rule, valid from 1996 on). */
export function berlinOffsetMs(instant: Instant): number {
  const year = new Date(instant).getUTCFullYear();
  const dstStart = Date.UTC(year, 2, lastSundayUtcDay(year, 3), 1);
  const dstEnd = Date.UTC(year, 9, lastSundayUtcDay(year, 10), 1);
  return instant >= dstStart && instant < dstEnd ? 2 * HOUR_MS : HOUR_MS;
}

export function berlinParts(instant: Instant): BerlinParts {
  const offsetMs = berlinOffsetMs(instant);
  const local = new Date(instant + offsetMs);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    millisecond: local.getUTCMilliseconds(),
    weekday: local.getUTCDay(),
    offsetMs,
  };
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function isoFromUtcDate(d: Date): IsoDate {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

export function parseIsoDate(date: IsoDate): { year: number; month: number; day: number } {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`Kein gültiges Datum (YYYY-MM-DD): ${date}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`Kein gültiges Datum (YYYY-MM-DD): ${date}`);
  }
  return { year, month, day };
}

/** The Berlin calendar date an instant falls on. */
export function berlinDateOf(instant: Instant): IsoDate {
  const p = berlinParts(instant);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** Weekday of a calendar date, 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: IsoDate): number {
  const { year, month, day } = parseIsoDate(date);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** Calendar date arithmetic (no time zone involved). */
export function addDaysToDate(date: IsoDate, days: number): IsoDate {
  const { year, month, day } = parseIsoDate(date);
  return isoFromUtcDate(new Date(Date.UTC(year, month - 1, day + days)));
}

/**
 * The instant of a Berlin wall-clock time. A time inside the spring-forward gap is moved forward by the gap
 * (02:30 → 03:30 CEST); an ambiguous autumn time resolves to its first occurrence (CEST).
 */
export function berlinLocalToInstant(date: IsoDate, hour = 0, minute = 0, second = 0, millisecond = 0): Instant {
  const { year, month, day } = parseIsoDate(date);
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  for (const offset of [2 * HOUR_MS, HOUR_MS]) {
    const candidate = wall - offset;
    if (berlinOffsetMs(candidate) === offset) return candidate;
  }
  return wall - HOUR_MS;
}

/** 00:00 Berlin time of a calendar date. */
export function startOfBerlinDay(date: IsoDate): Instant {
  return berlinLocalToInstant(date);
}

/** `YYYY-MM-DD HH:mm` in Berlin time, for humans (CSV, mails). */
export function formatBerlin(instant: Instant): string {
  const p = berlinParts(instant);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** Same Berlin wall-clock time `days` calendar days later (a day across a DST switch is 23 or 25 hours). */
export function addCalendarDays(instant: Instant, days: number): Instant {
  if (!Number.isInteger(days)) throw new RangeError(`Kalendertage müssen ganzzahlig sein: ${days}`);
  const p = berlinParts(instant);
  const date = addDaysToDate(`${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`, days);
  return berlinLocalToInstant(date, p.hour, p.minute, p.second, p.millisecond);
}

export interface SaxonHoliday {
  date: IsoDate;
  /** feiertagejs id, e.g. 'BUBETAG' */
  id: string;
  /** German name, e.g. 'Buß- und Bettag' */
  name: string;
}

const holidayCache = new Map<number, ReadonlyMap<IsoDate, SaxonHoliday>>();

function holidaysOfYear(year: number): ReadonlyMap<IsoDate, SaxonHoliday> {
  let map = holidayCache.get(year);
  if (!map) {
    const built = new Map<IsoDate, SaxonHoliday>();
    for (const h of getHolidays(year, 'SN')) {
      const date = isoFromUtcDate(h.date);
      built.set(date, { date, id: h.name, name: h.translate('de') ?? h.name });
    }
    map = built;
    holidayCache.set(year, map);
  }
  return map;
}

/** Public holidays in Saxony (statewide; Fronleichnam only applies to some Sorbian municipalities). */
export function saxonHolidays(year: number): SaxonHoliday[] {
  return [...holidaysOfYear(year).values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

export interface WorkingCalendar {
  isWorkingDay(date: IsoDate): boolean;
  /** Why a date is not a working day ('Samstag', 'Buß- und Bettag', …), or undefined on working days. */
  nonWorkingReason(date: IsoDate): string | undefined;
}

export interface SaxonCalendarOptions {
  /** Extra closing days, e.g. '2026-12-24' when the office is closed on Heiligabend. */
  extraNonWorkingDays?: readonly IsoDate[];
}

/** Mon–Fri except Saxon public holidays. */
export function saxonCalendar(options: SaxonCalendarOptions = {}): WorkingCalendar {
  const extra = new Set(options.extraNonWorkingDays ?? []);
  const nonWorkingReason = (date: IsoDate): string | undefined => {
    const { year } = parseIsoDate(date);
    const holiday = holidaysOfYear(year).get(date);
    if (holiday) return holiday.name;
    const weekday = weekdayOf(date);
    if (weekday === 0) return 'Sonntag';
    if (weekday === 6) return 'Samstag';
    if (extra.has(date)) return 'Schließtag';
    return undefined;
  };
  return { nonWorkingReason, isWorkingDay: (date) => nonWorkingReason(date) === undefined };
}

export const SAXON_CALENDAR: WorkingCalendar = saxonCalendar();

function toDate(day: Instant | IsoDate): IsoDate {
  if (typeof day === 'number') return berlinDateOf(day);
  parseIsoDate(day);
  return day;
}

/** Is the date (or the Berlin date of the instant) a working day in Saxony? */
export function isWorkingDay(day: Instant | IsoDate, calendar: WorkingCalendar = SAXON_CALENDAR): boolean {
  return calendar.isWorkingDay(toDate(day));
}

/** The n-th working day after a date (n > 0), before it (n < 0), or the date itself (n = 0). */
export function addWorkingDaysToDate(date: IsoDate, n: number, calendar: WorkingCalendar = SAXON_CALENDAR): IsoDate {
  if (!Number.isInteger(n)) throw new RangeError(`Arbeitstage müssen ganzzahlig sein: ${n}`);
  let current = date;
  const step = n < 0 ? -1 : 1;
  for (let left = Math.abs(n); left > 0;) {
    current = addDaysToDate(current, step);
    if (calendar.isWorkingDay(current)) left -= 1;
  }
  return current;
}

/** Working time (ms) of the interval [from, to); 0 if to <= from. */
export function workingMillisBetween(from: Instant, to: Instant, calendar: WorkingCalendar = SAXON_CALENDAR): number {
  if (!(to > from)) return 0;
  let total = 0;
  let date = berlinDateOf(from);
  let dayStart = startOfBerlinDay(date);
  while (dayStart < to) {
    const next = addDaysToDate(date, 1);
    const dayEnd = startOfBerlinDay(next);
    if (calendar.isWorkingDay(date)) total += Math.max(0, Math.min(to, dayEnd) - Math.max(from, dayStart));
    date = next;
    dayStart = dayEnd;
  }
  return total;
}

/** Working days (fractional) of the interval [from, to). */
export function workingDaysBetween(from: Instant, to: Instant, calendar: WorkingCalendar = SAXON_CALENDAR): number {
  return workingMillisBetween(from, to, calendar) / WORKING_DAY_MS;
}

/**
 * The instant at which `ms` of working time have passed after `start` (ms < 0: before `start`).
 * Starting on a weekend or holiday, the clock begins at 00:00 of the next working day. Working time that ends
 * exactly at midnight returns that midnight (Friday + remaining full day → Saturday 00:00).
 */
export function addWorkingTime(start: Instant, ms: number, calendar: WorkingCalendar = SAXON_CALENDAR): Instant {
  if (!Number.isFinite(ms)) throw new RangeError(`Ungültige Dauer: ${ms}`);
  if (ms === 0) return start;
  let date = berlinDateOf(start);
  if (ms > 0) {
    let remaining = ms;
    for (;;) {
      const dayStart = startOfBerlinDay(date);
      const next = addDaysToDate(date, 1);
      const dayEnd = startOfBerlinDay(next);
      if (calendar.isWorkingDay(date)) {
        const from = Math.max(start, dayStart);
        const available = dayEnd - from;
        if (remaining <= available) return from + remaining;
        remaining -= available;
      }
      date = next;
    }
  }
  let remaining = -ms;
  for (;;) {
    const dayStart = startOfBerlinDay(date);
    const dayEnd = startOfBerlinDay(addDaysToDate(date, 1));
    if (calendar.isWorkingDay(date)) {
      const until = Math.min(start, dayEnd);
      const available = until - dayStart;
      if (remaining <= available) return until - remaining;
      remaining -= available;
    }
    date = addDaysToDate(date, -1);
  }
}

/** `start` plus n working days of working time (see addWorkingTime). */
export function addWorkingDays(start: Instant, n: number, calendar: WorkingCalendar = SAXON_CALENDAR): Instant {
  return addWorkingTime(start, n * WORKING_DAY_MS, calendar);
}

/** A deadline or SLA length as it is configured: n working days or n calendar days. */
export interface DeadlineSpec {
  amount: number;
  unit: 'working-days' | 'calendar-days';
}

/** When a deadline configured as `spec` runs out if it starts at `start`. */
export function deadlineFrom(start: Instant, spec: DeadlineSpec, calendar: WorkingCalendar = SAXON_CALENDAR): Instant {
  return spec.unit === 'working-days'
    ? addWorkingDays(start, spec.amount, calendar)
    : addCalendarDays(start, spec.amount);
}
