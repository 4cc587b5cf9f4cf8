import { describe, expect, it } from 'vitest';
import { gateCheck, gateCheckAll, type GateMasterData } from '../domain/onlinedienst/gate-check';
import { checkTransition, nextPhase, PHASE_IDS, PHASES, ROLES, type PhaseId, type Role } from '../domain/onlinedienst/phases';
import {
  classifyOnlinedienst,
  csvCell,
  planReleaseCampaign,
  recordRecheck,
  renderCampaignCsv,
  reportFromReleasePruefung,
  summarizeCampaign,
  tagMatches,
  toCsv,
  type OnlinedienstProfile,
  type Release,
  type ReleaseCampaign,
} from '../domain/release/campaign';
import { applyRolloutCommand, requestRollout, rolloutSla, type RolloutTicket } from '../domain/rollout/ticket';
import { appendSlaEvent, computeSla, type SlaEvent, type SlaPolicy } from '../domain/rollout/sla';
import {
  addMandant,
  completeTask,
  createLifecycle,
  decideShutdown,
  nextDeadlineAfter,
  openEventTask,
  openTasksFor,
  overdueTasks,
  type Actor,
  type CommandResult,
  type CompleteTaskResult,
  type LifecycleContext,
  type LifecycleState,
} from '../domain/onlinedienst/tasks';
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
} from '../domain/working-days';

const H = 3_600_000;
/** Instants written with their explicit UTC offset, independent of the code under test. */
const t = (iso: string) => Date.parse(iso);

// ---------------------------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------------------------
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

    const stopped = computeSla([...events, { type: 'stopped', at: t('2026-11-30T08:00:00+01:00') }], policy, t('2026-12-05T12:00:00+01:00'));
    expect(stopped.state).toBe('stopped');
    expect(stopped.breached).toBe(true);
    expect(stopped.elapsedMs).toBe(145 * H);
    expect(stopped.stoppedAt).toBe(t('2026-11-30T08:00:00+01:00'));
  });

  it('supports calendar-day SLAs, ignores duplicates and refuses nonsensical events', () => {
    const cal = computeSla([{ type: 'started', at: started }], { target: { amount: 2, unit: 'calendar-days' }, warnAtRatio: 0.5 }, started);
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
    expect(appendSlaEvent(paused.events, { type: 'paused', at: started + 2 * H })).toMatchObject({ ok: false, error: { code: 'already-paused' } });
    expect(appendSlaEvent(base, { type: 'resumed', at: started + H })).toMatchObject({ ok: false, error: { code: 'not-paused' } });
    expect(appendSlaEvent(base, { type: 'stopped', at: started - H })).toMatchObject({ ok: false, error: { code: 'out-of-order' } });
    expect(appendSlaEvent([], { type: 'paused', at: started })).toMatchObject({ ok: false, error: { code: 'not-started' } });
    expect(() => computeSla(base, { target: { amount: 5, unit: 'working-days' }, warnAtRatio: 1.5 }, started)).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('phases', () => {
  it('has the nine phases in order and the roles', () => {
    expect(PHASE_IDS).toEqual([
      'klaerung',
      'auftakt',
      'prototyp',
      'test',
      'zertifizierung',
      'produktivsetzung',
      'aktivierung',
      'betrieb',
      'abschaltung',
    ]);
    expect(PHASE_IDS.map((p) => PHASES[p].nr)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(PHASES.test.label).toBe('Test, Verbesserung und Abnahme');
    expect(ROLES).toHaveLength(10);
  });

  it('allows the loops and guards shutdown and recertification', () => {
    expect(checkTransition('test', 'prototyp')).toMatchObject({ ok: true, rule: { kind: 'loop' } });
    expect(checkTransition('zertifizierung', 'prototyp')).toMatchObject({ ok: true, rule: { kind: 'loop' } });
    expect(checkTransition('betrieb', 'zertifizierung')).toMatchObject({ ok: true, rule: { kind: 'recertification' } });
    expect(checkTransition('zertifizierung', 'betrieb', { recertification: true })).toMatchObject({ ok: true });
    expect(checkTransition('zertifizierung', 'betrieb')).toMatchObject({ ok: false, code: 'transition-not-allowed' });
    expect(checkTransition('klaerung', 'test')).toMatchObject({ ok: false, code: 'transition-not-allowed' });
    expect(checkTransition('betrieb', 'abschaltung')).toMatchObject({ ok: true, rule: { kind: 'shutdown' } });
    expect(checkTransition('prototyp', 'abschaltung')).toMatchObject({ ok: false, code: 'decision-required' });
    expect(checkTransition('prototyp', 'abschaltung', { explicitDecision: true })).toMatchObject({ ok: true, rule: { kind: 'abort' } });
    expect(checkTransition('abschaltung', 'betrieb').ok).toBe(false);
    expect(nextPhase('zertifizierung', false)).toBe('produktivsetzung');
    expect(nextPhase('zertifizierung', true)).toBe('betrieb');
    expect(nextPhase('betrieb', false)).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------------------------
const M_LEIPZIG = 'm-leipzig';
const M_PIRNA = 'm-pirna';

const actor = (id: string, roles: Role[], mandanten: string[] = []): Actor => ({ id, roles, mandanten });
const ACTORS: Record<Role, Actor> = {
  buerger: actor('buerger-1', ['buerger']),
  prozesseigner: actor('pe-1', ['prozesseigner']),
  prozessmodellierer: actor('pm-1', ['prozessmodellierer']),
  zertifizierer: actor('zert-1', ['zertifizierer']),
  awb: actor('awb-1', ['awb']),
  'mandant-admin': actor('ma-1', ['mandant-admin'], [M_LEIPZIG, M_PIRNA]),
  sachbearbeitung: actor('sb-1', ['sachbearbeitung']),
  redaktion: actor('red-1', ['redaktion']),
  projektleitung: actor('pl-1', ['projektleitung']),
  testteam: actor('tt-1', ['testteam']),
};

const VALID: Record<string, Record<string, unknown>> = {
  'ist-prozess': { istProzess: 'BPMN im Confluence', eAkte: true, fachverfahren: 'VIS.SAX', bescheidUebermittlung: 'postfach' },
  rechtsgrundlagen: { rechtsgrundlagen: ['§ 2 SächsHundStG'], vertrauensniveau: 'substanziell' },
  'xoev-fachverfahren': { xoevStandards: ['XBezahldienste'], fachverfahren: ['VIS.SAX'] },
  'konten-bezahlung': { bundId: true, meinUnternehmenskonto: false, bezahlung: true, bakZahlungsverkehrEingebunden: true },
  leistungsbeschreibung: { leistungId: 'L-99001', geprueft: true },
  'auftakt-protokoll': {
    datum: '2026-01-20',
    protokoll: 'Protokoll Auftakt',
    ziel: 'Hundesteuer online',
    zeitplan: 'Q1–Q2',
    zustaendigkeiten: 'PE: Stadt, PM: Dienstleister',
    regeltermine: 'Dienstag 10 Uhr',
    support: 'Servicedesk',
    tester: ['Steueramt Leipzig'],
  },
  'prototyp-bereitstellen': {
    prozess: { name: 'KOMM24Hundesteueranmeldung', version: 'v1.0' },
    formular: { name: 'Hundesteuer', version: 'v1.0' },
    bitv: true,
    dinSpec66336: true,
    tr03172: true,
  },
  'test-durchfuehren': { testfaelle: 12, negativtests: 4, offeneFehler: 0, beteiligte: ['entwickler', 'nutzer'], bericht: 'Alles grün' },
  freigabe: { entscheidung: 'erteilt' },
  zertifizierung: { ergebnis: 'bestanden', loggingGeprueft: true, endlosschleifenGeprueft: true, zertifikat: 'Z-2026-17' },
  'leistungsbeschreibung-final': { leistungId: 'L-99001', abgestimmt: true },
  'rollout-planen': { mandanten: [M_LEIPZIG, M_PIRNA], zustaendigeStellenEinbezogen: true, supportkanaeleAktiviert: true, oeffentlichkeitsarbeit: false },
  'uebernahme-beantragen': {
    prozess: { name: 'KOMM24Hundesteueranmeldung', version: 'v1.0' },
    formular: { name: 'Hundesteuer', version: 'v1.0' },
    zertifizierungsReferenz: 'Z-2026-17',
  },
  'uebernahme-bestaetigen': { ticketId: 'SD-4711', produktivVersion: 'v1.0' },
  deployment: { prozessVersion: 'v1.0', deployedAm: '2026-06-01' },
  aktivierung: {
    leistungId: 'L-99001',
    organisationseinheitId: 'OE-1',
    zustaendigkeitenGepflegt: true,
    prozessparameterGepflegt: true,
    wartungsmodus: true,
  },
  abnahmetest: { ergebnis: 'bestanden', eingangBeiBehoerdeGeprueft: true },
  'wartungsmodus-aus': { wartungsmodus: false, oeffentlichGeprueft: true },
  betriebspruefung: { ergebnis: 'weiterbetrieb' },
  deaktivierung: { deaktiviertAm: '2031-03-31' },
  datenaufbewahrung: { aufbewahrungsregelnAngewendet: true, loeschkonzept: 'Löschung nach 90 Tagen' },
};

const CONTEXT: LifecycleContext = { onlinedienstId: 'od-hundesteuer', name: 'Hundesteueranmeldung', mandanten: [] };
const T0 = t('2026-01-05T09:00:00+01:00'); // Monday

type Ok<R> = Extract<R, { ok: true }>;
function must<R extends CompleteTaskResult | CommandResult>(result: R): Ok<R> {
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.error)}`);
  return result as Ok<R>;
}

function done(state: LifecycleState, taskId: string, now: number, fields?: Record<string, unknown>, who?: Actor) {
  const task = state.openTasks.find((x) => x.id === taskId);
  if (!task) throw new Error(`not open: ${taskId} (open: ${state.openTasks.map((x) => x.id).join(', ')})`);
  return must(completeTask(state, taskId, who ?? ACTORS[task.role], fields ?? VALID[task.templateId], now));
}

/** Completes the first open task with valid fields until the phase is reached. */
function driveTo(target: PhaseId, start: LifecycleState = createLifecycle(CONTEXT, 'pe-1', T0), now = T0 + H) {
  let state = start;
  for (let i = 0; state.phase !== target; i++) {
    if (i > 60) throw new Error(`did not reach ${target}`);
    const next = state.openTasks[0];
    if (!next) throw new Error(`stuck in ${state.phase}`);
    state = done(state, next.id, now + i * H).state;
  }
  return state;
}

describe('Onlinedienst lifecycle', () => {
  it('goes the full path Klärung → Abschaltung through completeTask', () => {
    let now = T0;
    const tick = () => (now += 2 * H);
    let s = createLifecycle(CONTEXT, 'pe-1', T0);
    expect(s.phase).toBe('klaerung');
    expect(s.openTasks.map((x) => x.id)).toEqual(['ist-prozess', 'rechtsgrundlagen', 'xoev-fachverfahren', 'konten-bezahlung', 'leistungsbeschreibung']);
    // 10 working days from Mon 5 Jan 09:00 (6 Jan is no holiday in Saxony) → Mon 19 Jan 09:00.
    expect(s.openTasks[0]!.dueAt).toBe(t('2026-01-19T09:00:00+01:00'));
    expect(s.deadlines).toHaveLength(5);
    expect(nextDeadlineAfter(s, T0)).toBe(t('2026-01-19T09:00:00+01:00'));

    for (const id of ['ist-prozess', 'rechtsgrundlagen', 'xoev-fachverfahren', 'konten-bezahlung']) {
      const r = done(s, id, tick());
      expect(r.transition).toBeNull();
      s = r.state;
    }
    expect(s.context.featureTags).toEqual(['payment']);
    let r = done(s, 'leistungsbeschreibung', tick());
    expect(r.transition).toMatchObject({ from: 'klaerung', to: 'auftakt', kind: 'advance' });
    expect(r.opened.map((x) => x.id)).toEqual(['auftakt-protokoll']);
    expect(r.state.context.leistungId).toBe('L-99001');
    s = r.state;

    r = done(s, 'auftakt-protokoll', tick());
    expect(r.transition?.to).toBe('prototyp');
    r = done(r.state, 'prototyp-bereitstellen', tick());
    expect(r.transition?.to).toBe('test');
    expect(r.state.context.prozess).toEqual({ name: 'KOMM24Hundesteueranmeldung', version: 'v1.0' });
    expect(r.state.openTasks.map((x) => x.id)).toEqual(['test-durchfuehren']);
    r = done(r.state, 'test-durchfuehren', tick());
    expect(r.opened.map((x) => x.id)).toEqual(['freigabe']);
    r = done(r.state, 'freigabe', tick());
    expect(r.transition).toMatchObject({ from: 'test', to: 'zertifizierung', kind: 'advance' });
    expect(r.state.openTasks.map((x) => `${x.id}/${x.role}`)).toEqual([
      'zertifizierung/zertifizierer',
      'leistungsbeschreibung-final/redaktion',
      'rollout-planen/prozesseigner',
    ]);
    r = done(r.state, 'zertifizierung', tick());
    expect(r.transition).toBeNull(); // rollout planning still open
    expect(r.state.context.zertifizierungsReferenz).toBe('Z-2026-17');
    r = done(r.state, 'leistungsbeschreibung-final', tick());
    r = done(r.state, 'rollout-planen', tick());
    expect(r.transition).toMatchObject({ from: 'zertifizierung', to: 'produktivsetzung' });
    expect(r.state.context.mandanten).toEqual([M_LEIPZIG, M_PIRNA]);
    r = done(r.state, 'uebernahme-beantragen', tick());
    expect(r.opened.map((x) => `${x.id}/${x.role}`)).toEqual(['uebernahme-bestaetigen/awb']);
    r = done(r.state, 'uebernahme-bestaetigen', tick());
    expect(r.transition).toMatchObject({ from: 'produktivsetzung', to: 'aktivierung' });
    expect(r.state.openTasks.map((x) => x.id)).toEqual(['deployment']);
    r = done(r.state, 'deployment', tick());
    expect(r.opened.map((x) => x.id)).toEqual([`aktivierung:${M_LEIPZIG}`, `aktivierung:${M_PIRNA}`]);

    // A Mandant admin of another Mandant may not act for Pirna.
    const leipzigOnly = actor('ma-leipzig', ['mandant-admin'], [M_LEIPZIG]);
    const refused = completeTask(r.state, `aktivierung:${M_PIRNA}`, leipzigOnly, VALID.aktivierung, tick());
    expect(refused).toMatchObject({ ok: false, error: { code: 'wrong-mandant' } });

    r = done(r.state, `aktivierung:${M_LEIPZIG}`, tick(), undefined, leipzigOnly);
    expect(r.opened.map((x) => x.id)).toEqual([`abnahmetest:${M_LEIPZIG}`]);
    // The productive acceptance test fails once: the same task reopens, Wartungsmodus stays on.
    r = done(r.state, `abnahmetest:${M_LEIPZIG}`, tick(), { ergebnis: 'fehlgeschlagen', eingangBeiBehoerdeGeprueft: false, befunde: 'Anhang fehlt' });
    expect(r.opened).toHaveLength(1);
    expect(r.opened[0]).toMatchObject({ id: `abnahmetest:${M_LEIPZIG}`, attempt: 2 });
    expect(r.state.openTasks.some((x) => x.id === `wartungsmodus-aus:${M_LEIPZIG}`)).toBe(false);
    r = done(r.state, `abnahmetest:${M_LEIPZIG}`, tick());
    r = done(r.state, `wartungsmodus-aus:${M_LEIPZIG}`, tick());
    expect(r.transition).toBeNull(); // Pirna still open
    r = done(r.state, `aktivierung:${M_PIRNA}`, tick());
    r = done(r.state, `abnahmetest:${M_PIRNA}`, tick());
    const goLive = now + 2 * H;
    r = done(r.state, `wartungsmodus-aus:${M_PIRNA}`, tick());
    expect(r.transition).toMatchObject({ from: 'aktivierung', to: 'betrieb', kind: 'advance' });
    expect(r.state.openTasks.map((x) => x.id)).toEqual(['betriebspruefung']);
    expect(r.state.openTasks[0]!.dueAt).toBe(addCalendarDays(goLive, 365));
    expect(r.state.context.aktivierteMandanten).toEqual([M_LEIPZIG, M_PIRNA]);

    // Yearly review: Weiterbetrieb reopens it, Abschaltung ends Betrieb.
    r = done(r.state, 'betriebspruefung', tick());
    expect(r.opened[0]).toMatchObject({ id: 'betriebspruefung', attempt: 2 });
    r = done(r.state, 'betriebspruefung', tick(), { ergebnis: 'abschaltung', begruendung: 'Ersetzt durch EfA-Dienst' });
    expect(r.transition).toMatchObject({ from: 'betrieb', to: 'abschaltung', kind: 'shutdown' });
    expect(r.state.openTasks.map((x) => x.id)).toEqual([`deaktivierung:${M_LEIPZIG}`, `deaktivierung:${M_PIRNA}`, 'datenaufbewahrung']);
    r = done(r.state, `deaktivierung:${M_LEIPZIG}`, tick());
    r = done(r.state, `deaktivierung:${M_PIRNA}`, tick());
    expect(r.ended).toBe(false);
    const end = tick();
    r = done(r.state, 'datenaufbewahrung', end);
    expect(r.ended).toBe(true);
    expect(r.state.endedAt).toBe(end);
    expect(r.state.openTasks).toEqual([]);
    expect(r.state.deadlines).toEqual([]);
    expect(r.state.history.map((h) => h.to)).toEqual([
      'klaerung',
      'auftakt',
      'prototyp',
      'test',
      'zertifizierung',
      'produktivsetzung',
      'aktivierung',
      'betrieb',
      'abschaltung',
      'abschaltung',
    ]);
    expect(r.state.history.at(-1)).toMatchObject({ kind: 'end', actor: 'pe-1', at: end });
    expect(r.state.history[1]).toMatchObject({ from: 'klaerung', to: 'auftakt', actor: 'pe-1', reason: 'Klärung grundlegender Fragen abgeschlossen' });
    const abnahmen = r.state.completedTasks.filter((c) => c.id === `abnahmetest:${M_LEIPZIG}`);
    expect(abnahmen.map((c) => [c.attempt, c.reopened, c.fields.ergebnis])).toEqual([
      [1, true, 'fehlgeschlagen'],
      [2, false, 'bestanden'],
    ]);
    expect(completeTask(r.state, 'datenaufbewahrung', ACTORS.prozesseigner, VALID.datenaufbewahrung, tick())).toMatchObject({
      ok: false,
      error: { code: 'wrong-phase', message: 'Der Lebenszyklus ist beendet.' },
    });
  });

  it('loops test → prototyp until the Freigabe', () => {
    const inTest = driveTo('test');
    const entry = inTest.entry;
    let r = done(inTest, 'test-durchfuehren', T0 + 100 * H);
    const noReason = completeTask(r.state, 'freigabe', ACTORS.prozesseigner, { entscheidung: 'abgelehnt' }, T0 + 101 * H);
    expect(noReason).toEqual({
      ok: false,
      error: {
        code: 'invalid-fields',
        message: 'Angaben zu „Finale Freigabe erteilen“ sind unvollständig oder ungültig.',
        fieldErrors: [{ path: 'aenderungen', message: 'Bei Ablehnung die nötigen Änderungen angeben.' }],
      },
    });
    r = done(r.state, 'freigabe', T0 + 102 * H, { entscheidung: 'abgelehnt', aenderungen: 'Fehlermeldung bei IBAN unklar' });
    expect(r.transition).toEqual({
      from: 'test',
      to: 'prototyp',
      kind: 'loop',
      reason: 'Freigabe abgelehnt: Fehlermeldung bei IBAN unklar',
      at: T0 + 102 * H,
    });
    expect(r.state.entry).toBe(entry + 1);
    expect(r.state.openTasks.map((x) => x.id)).toEqual(['prototyp-bereitstellen']);
    r = done(r.state, 'prototyp-bereitstellen', T0 + 103 * H, { ...VALID['prototyp-bereitstellen'], prozess: { name: 'KOMM24Hundesteueranmeldung', version: 'v1.1' } });
    expect(r.transition?.to).toBe('test');
    expect(r.state.context.prozess?.version).toBe('v1.1');
    // Round two starts from scratch: tests again before the Freigabe.
    expect(r.state.openTasks.map((x) => x.id)).toEqual(['test-durchfuehren']);
    r = done(r.state, 'test-durchfuehren', T0 + 104 * H);
    r = done(r.state, 'freigabe', T0 + 105 * H);
    expect(r.transition).toMatchObject({ from: 'test', to: 'zertifizierung', kind: 'advance' });
    expect(r.state.history.map((h) => h.to)).toEqual(['klaerung', 'auftakt', 'prototyp', 'test', 'prototyp', 'test', 'zertifizierung']);
    expect(r.state.completedTasks.filter((c) => c.templateId === 'freigabe').map((c) => c.fields.entscheidung)).toEqual(['abgelehnt', 'erteilt']);
  });

  it('sends a failed certification back to the prototype and keeps the rollout planning', () => {
    const inZert = driveTo('zertifizierung');
    let r = done(inZert, 'rollout-planen', T0 + 100 * H);
    r = done(r.state, 'zertifizierung', T0 + 101 * H, {
      ergebnis: 'nicht-bestanden',
      loggingGeprueft: true,
      endlosschleifenGeprueft: true,
      befunde: 'Endlosschleife im Nachforderungspfad',
    });
    expect(r.transition).toMatchObject({ from: 'zertifizierung', to: 'prototyp', kind: 'loop', reason: 'Zertifizierung nicht bestanden: Endlosschleife im Nachforderungspfad' });
    expect(r.cancelled.map((x) => x.id)).toEqual(['leistungsbeschreibung-final']);
    const back = driveTo('zertifizierung', r.state, T0 + 110 * H);
    // Rollout planning survives the loop; certification and the Redaktion's task open again.
    expect(back.openTasks.map((x) => x.id)).toEqual(['zertifizierung', 'leistungsbeschreibung-final']);
    r = done(back, 'zertifizierung', T0 + 200 * H);
    r = done(r.state, 'leistungsbeschreibung-final', T0 + 201 * H);
    expect(r.transition).toMatchObject({ from: 'zertifizierung', to: 'produktivsetzung' });
    expect(r.state.history.map((h) => h.to).slice(4)).toEqual(['zertifizierung', 'prototyp', 'test', 'zertifizierung', 'produktivsetzung']);
  });

  it('refuses wrong role, wrong phase, unknown tasks and invalid fields with the right codes', () => {
    const s = createLifecycle(CONTEXT, 'pe-1', T0);
    const now = T0 + H;
    expect(completeTask(s, 'ist-prozess', ACTORS.prozessmodellierer, VALID['ist-prozess'], now)).toEqual({
      ok: false,
      error: { code: 'wrong-role', message: 'Aufgabe „Ist-Prozess erstellen und Weiterverarbeitung einplanen“ erledigt die Rolle Prozesseigner.' },
    });
    expect(completeTask(s, 'freigabe', ACTORS.prozesseigner, VALID.freigabe, now)).toEqual({
      ok: false,
      error: {
        code: 'wrong-phase',
        message: 'Aufgabe „Finale Freigabe erteilen“ gehört zu „Test, Verbesserung und Abnahme“; aktuelle Phase ist „Klärung grundlegender Fragen“.',
      },
    });
    expect(completeTask(s, 'kaffee-kochen', ACTORS.prozesseigner, {}, now)).toMatchObject({ ok: false, error: { code: 'unknown-task' } });
    const invalid = completeTask(
      s,
      'rechtsgrundlagen',
      ACTORS.prozesseigner,
      { rechtsgrundlagen: [], vertrauensniveau: 'mittel', bemerkung: 'x' },
      now,
    );
    expect(invalid).toEqual({
      ok: false,
      error: {
        code: 'invalid-fields',
        message: 'Angaben zu „Rechtsgrundlagen und Vertrauensniveau klären“ sind unvollständig oder ungültig.',
        fieldErrors: [
          { path: 'rechtsgrundlagen', message: 'Mindestens ein Eintrag erforderlich.' },
          { path: 'vertrauensniveau', message: 'Erlaubt: „niedrig“, „substanziell“, „hoch“.' },
          { path: 'bemerkung', message: 'Unbekanntes Feld.' },
        ],
      },
    });
    const missing = completeTask(s, 'konten-bezahlung', ACTORS.prozesseigner, { bundId: true, bezahlung: true }, now);
    // Cross-field rules run once the fields themselves are valid.
    expect(missing.ok ? [] : missing.error.fieldErrors).toEqual([{ path: 'meinUnternehmenskonto', message: 'Pflichtfeld fehlt.' }]);
    const noBak = completeTask(s, 'konten-bezahlung', ACTORS.prozesseigner, { bundId: true, meinUnternehmenskonto: false, bezahlung: true }, now);
    expect(noBak.ok ? [] : noBak.error.fieldErrors).toEqual([
      { path: 'bakZahlungsverkehrEingebunden', message: 'Bei Bezahlfunktion die Anwendungsbetreuung BaK Zahlungsverkehr frühzeitig einbinden.' },
    ]);
    const after = done(s, 'ist-prozess', now);
    expect(completeTask(after.state, 'ist-prozess', ACTORS.prozesseigner, VALID['ist-prozess'], now + H)).toMatchObject({
      ok: false,
      error: { code: 'not-open', message: 'Aufgabe „Ist-Prozess erstellen und Weiterverarbeitung einplanen“ ist bereits erledigt.' },
    });
    // Refusals leave the state untouched.
    expect(s.completedTasks).toEqual([]);
    expect(s.openTasks).toHaveLength(5);

    const inTest = driveTo('test');
    expect(completeTask(inTest, 'freigabe', ACTORS.prozesseigner, VALID.freigabe, now)).toEqual({
      ok: false,
      error: { code: 'not-open', message: 'Aufgabe „Finale Freigabe erteilen“ ist noch nicht eröffnet; sie wartet auf „Gesamte Antragsstrecke testen (auch Negativtests)“.' },
    });
  });

  it('runs recertification out of Betrieb and back, Mandanten joining later, and aborting by decision', () => {
    const betrieb = driveTo('betrieb', createLifecycle({ ...CONTEXT, mandanten: [M_LEIPZIG] }, 'pe-1', T0));
    expect(betrieb.context.mandanten).toEqual([M_LEIPZIG, M_PIRNA]);
    const due = t('2026-12-01T00:00:00+01:00');
    const opened = must(openEventTask(betrieb, 'release-pruefung', { key: '2026.4', now: T0 + 200 * H, dueAt: due }));
    expect(opened.opened[0]).toMatchObject({ id: 'release-pruefung:2026.4', dueAt: due, role: 'prozesseigner', blocking: false });
    expect(openEventTask(opened.state, 'release-pruefung', { key: '2026.4', now: T0 + 201 * H })).toMatchObject({ ok: false, error: { code: 'already-open' } });
    expect(openEventTask(driveTo('test'), 'release-pruefung', { key: '2026.5', now: T0 })).toMatchObject({ ok: false, error: { code: 'wrong-phase' } });
    expect(overdueTasks(opened.state, due + 1).map((x) => x.id)).toEqual(['release-pruefung:2026.4']);

    let r = done(opened.state, 'release-pruefung:2026.4', T0 + 202 * H, {
      ergebnis: 'rezertifizierung-erforderlich',
      geprueftAuf: 'entwicklungssystem',
      befunde: 'ePayBL-Schnittstelle geändert',
    });
    expect(r.transition).toMatchObject({ from: 'betrieb', to: 'zertifizierung', kind: 'recertification' });
    expect(r.cancelled.map((x) => x.id)).toEqual(['betriebspruefung']);
    expect(r.state.context.recertification).toBe(true);
    expect(r.state.openTasks.map((x) => x.id)).toEqual(['zertifizierung']);
    expect(reportFromReleasePruefung(r.completed.fields as { ergebnis: string; befunde?: string })).toEqual({
      result: 'recertifying',
      finding: 'ePayBL-Schnittstelle geändert',
    });

    // A Mandant joining during the recertification gets its activation chain once Betrieb resumes.
    r = must(addMandant(r.state, 'm-dresden', 'pe-1', T0 + 203 * H)) as typeof r;
    expect(r.opened).toEqual([]);
    r = done(r.state, 'zertifizierung', T0 + 204 * H, { ...VALID.zertifizierung, zertifikat: 'Z-2026-99' });
    expect(r.transition).toMatchObject({ from: 'zertifizierung', to: 'betrieb', kind: 'recertification' });
    expect(r.state.context.recertification).toBe(false);
    expect(r.state.context.zertifizierungsReferenz).toBe('Z-2026-99');
    expect(r.state.openTasks.map((x) => `${x.id}/${x.blocking}`)).toEqual(['betriebspruefung/false', 'aktivierung:m-dresden/false']);
    const dresden = actor('ma-dresden', ['mandant-admin'], ['m-dresden']);
    r = done(r.state, 'aktivierung:m-dresden', T0 + 205 * H, undefined, dresden);
    expect(r.opened.map((x) => x.id)).toEqual(['abnahmetest:m-dresden']);
    r = done(r.state, 'abnahmetest:m-dresden', T0 + 206 * H, undefined, dresden);
    r = done(r.state, 'wartungsmodus-aus:m-dresden', T0 + 207 * H, undefined, dresden);
    expect(r.state.phase).toBe('betrieb');
    expect(r.state.context.aktivierteMandanten).toEqual([M_LEIPZIG, M_PIRNA, 'm-dresden']);
    expect(r.state.openTasks.map((x) => x.id)).toEqual(['betriebspruefung']);

    // Shutdown before Betrieb only by explicit decision of the Prozesseigner.
    const proto = driveTo('prototyp');
    expect(decideShutdown(proto, ACTORS.prozessmodellierer, 'Projekt gestoppt', T0)).toMatchObject({ ok: false, error: { code: 'wrong-role' } });
    expect(decideShutdown(proto, ACTORS.prozesseigner, '  ', T0)).toMatchObject({ ok: false, error: { code: 'invalid-fields' } });
    const aborted = must(decideShutdown(proto, ACTORS.prozesseigner, 'Projekt gestoppt', T0 + 50 * H));
    expect(aborted.transition).toMatchObject({ from: 'prototyp', to: 'abschaltung', kind: 'abort', reason: 'Abschaltung beschlossen: Projekt gestoppt' });
    expect(aborted.cancelled.map((x) => x.id)).toEqual(['prototyp-bereitstellen']);
    // No Mandant was ever activated, so only the retention task remains.
    expect(aborted.state.openTasks.map((x) => x.id)).toEqual(['datenaufbewahrung']);
    // Planned but never activated Mandanten have nothing to deactivate either.
    const planned = driveTo('produktivsetzung');
    expect(planned.context.mandanten).toEqual([M_LEIPZIG, M_PIRNA]);
    const stopped = must(decideShutdown(planned, ACTORS.prozesseigner, 'Fördermittel gestrichen', T0 + 60 * H));
    expect(stopped.state.openTasks.map((x) => x.id)).toEqual(['datenaufbewahrung']);
    expect(completeTask(stopped.state, `deaktivierung:${M_LEIPZIG}`, ACTORS['mandant-admin'], VALID.deaktivierung, T0 + 61 * H)).toMatchObject({
      ok: false,
      error: { code: 'unknown-task' },
    });
    const finished = done(stopped.state, 'datenaufbewahrung', T0 + 62 * H);
    expect(finished.ended).toBe(true);
  });

  it('opens phase tasks for a context as openTasksFor says', () => {
    const now = t('2026-03-02T08:00:00+01:00');
    const tasks = openTasksFor('aktivierung', { ...CONTEXT, mandanten: [M_LEIPZIG] }, now);
    expect(tasks.map((x) => x.id)).toEqual(['deployment']);
    const withOverride = openTasksFor('test', { ...CONTEXT, deadlines: { 'test-durchfuehren': { amount: 14, unit: 'calendar-days' } } }, now);
    expect(withOverride[0]).toMatchObject({ id: 'test-durchfuehren', role: 'testteam', dueAt: t('2026-03-16T08:00:00+01:00') });
    const recert = openTasksFor('zertifizierung', { ...CONTEXT, recertification: true }, now);
    expect(recert.map((x) => x.id)).toEqual(['zertifizierung']);
    const abschaltung = openTasksFor('abschaltung', { ...CONTEXT, mandanten: [M_LEIPZIG, M_PIRNA, 'm-geplant'], aktivierteMandanten: [M_LEIPZIG, M_PIRNA] }, now);
    expect(abschaltung.map((x) => `${x.id}/${x.role}`)).toEqual([
      'deaktivierung:m-leipzig/mandant-admin',
      'deaktivierung:m-pirna/mandant-admin',
      'datenaufbewahrung/prozesseigner',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('gate check', () => {
  const activation = { mandantId: 'm-pirna', leistungId: 'L-99001', zustaendigeStelleId: 'OE-steuer' };
  const broken: GateMasterData = {
    leistungen: [{ id: 'L-99001', name: 'Hundesteuer Anmeldung', organisationseinheitIds: ['OE-buergeramt'] }],
    organisationseinheiten: [
      { id: 'OE-steuer', name: 'Steueramt Pirna', mandantId: 'm-pirna', kommunikation: [{ typ: 'email', wert: 'steuer@pirna.de' }] },
    ],
    behoerdenkonten: [{ id: 'BK-1', mandantId: 'm-pirna', aktiv: true }],
    mandanten: [{ id: 'm-pirna', name: 'Stadt Pirna', impressum: 'Stadt Pirna, Am Markt 1', logo: '  ', datenschutzbeauftragter: null }],
  };

  it('fails with German messages, then passes once the master data is maintained', () => {
    const first = gateCheck(activation, broken);
    expect(first.passed).toBe(false);
    expect(first.failures).toEqual([
      { code: 'leistung-not-linked', message: 'Leistung „Hundesteuer Anmeldung“ und Organisationseinheit „Steueramt Pirna“ sind nicht verknüpft.' },
      { code: 'behoerdenkonto-not-channel', message: 'Das Behördenkonto ist nicht als Kommunikationskanal der zuständigen Stelle „Steueramt Pirna“ hinterlegt.' },
      { code: 'logo-missing', message: 'Im Mandanten „Stadt Pirna“ ist kein Logo / Bild gepflegt.' },
      { code: 'datenschutzbeauftragter-missing', message: 'Im Mandanten „Stadt Pirna“ ist keine Datenschutzbeauftragte / kein Datenschutzbeauftragter gepflegt.' },
    ]);

    const fixed: GateMasterData = {
      ...broken,
      leistungen: [{ ...broken.leistungen[0]!, organisationseinheitIds: ['OE-buergeramt', 'OE-steuer'] }],
      organisationseinheiten: [
        { ...broken.organisationseinheiten[0]!, kommunikation: [{ typ: 'email', wert: 'steuer@pirna.de' }, { typ: 'behoerdenkonto', behoerdenkontoId: 'BK-1' }] },
      ],
      mandanten: [{ ...broken.mandanten[0]!, logo: 'pirna.png', datenschutzbeauftragter: { name: 'Frau Beispiel' } }],
    };
    expect(gateCheck(activation, fixed)).toEqual({ passed: true, failures: [] });

    const empty: GateMasterData = { leistungen: [], organisationseinheiten: [], behoerdenkonten: [], mandanten: [] };
    expect(gateCheck(activation, empty).failures.map((f) => f.code)).toEqual(['leistung-missing', 'organisationseinheit-missing', 'mandant-missing']);
    const noKonto = gateCheckAll([activation], { ...fixed, behoerdenkonten: [] });
    expect(noKonto[0]!.failures).toEqual([{ code: 'behoerdenkonto-missing', message: 'Für den Mandanten m-pirna gibt es kein Behördenkonto.' }]);
    const inactive = gateCheck(activation, { ...fixed, behoerdenkonten: [{ id: 'BK-1', mandantId: 'm-pirna', aktiv: false }] });
    expect(inactive.failures.map((f) => f.code)).toEqual(['behoerdenkonto-inactive']);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('rollout ticket', () => {
  const pe = ACTORS.prozesseigner;
  const awb1 = actor('awb-1', ['awb']);
  const awb2 = actor('awb-2', ['awb']);
  const request = {
    ticketId: 'SD-4711',
    mandantId: 'm-pirna',
    prozess: { name: 'KOMM24Hundesteueranmeldung', version: 'v1.0' },
    formular: { name: 'Hundesteuer', version: 'v1.0' },
    zertifizierungsReferenz: 'Z-2026-17',
  };
  const sla: SlaPolicy = { target: { amount: 5, unit: 'working-days' } };

  function ok(result: ReturnType<typeof requestRollout>): RolloutTicket {
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    return result.ticket;
  }

  it('moves requested → in_progress → waiting → in_progress → transferred → confirmed with a paused clock', () => {
    let ticket = ok(requestRollout(request, pe, t('2026-11-17T10:00:00+01:00')));
    expect(ticket.status).toBe('requested');
    expect(applyRolloutCommand(ticket, { type: 'assign', assigneeId: 'awb-1' }, pe, t('2026-11-17T10:30:00+01:00'))).toMatchObject({
      ok: false,
      error: { code: 'wrong-role' },
    });
    expect(applyRolloutCommand(ticket, { type: 'ask-requester', question: 'Welche Version?' }, awb1, t('2026-11-17T10:30:00+01:00'))).toMatchObject({
      ok: false,
      error: { code: 'invalid-transition', message: '„ask-requester“ ist im Status „Beantragt“ nicht möglich.' },
    });
    ticket = ok(applyRolloutCommand(ticket, { type: 'assign', assigneeId: 'awb-1' }, awb1, t('2026-11-17T11:00:00+01:00')));
    expect(ticket).toMatchObject({ status: 'in_progress', assignee: 'awb-1' });
    expect(applyRolloutCommand(ticket, { type: 'ask-requester', question: 'Formularversion?' }, awb2, t('2026-11-19T12:00:00+01:00'))).toMatchObject({
      ok: false,
      error: { code: 'not-assignee' },
    });
    ticket = ok(applyRolloutCommand(ticket, { type: 'ask-requester', question: 'Formularversion?' }, awb1, t('2026-11-19T12:00:00+01:00')));
    expect(ticket).toMatchObject({ status: 'waiting_for_requester', openQuestion: 'Formularversion?' });
    const waiting = rolloutSla(ticket, sla, t('2026-11-21T12:00:00+01:00'));
    expect(waiting.state).toBe('paused');
    expect(waiting.elapsedMs).toBe(26 * H);
    expect(applyRolloutCommand(ticket, { type: 'mark-transferred', produktivVersion: 'v1.0' }, awb1, t('2026-11-21T12:00:00+01:00'))).toMatchObject({
      ok: false,
      error: { code: 'invalid-transition' },
    });
    expect(applyRolloutCommand(ticket, { type: 'answer', answer: 'v1.0' }, awb2, t('2026-11-23T09:00:00+01:00'))).toMatchObject({
      ok: false,
      error: { code: 'wrong-role' },
    });
    ticket = ok(applyRolloutCommand(ticket, { type: 'answer', answer: 'Formular v1.0' }, pe, t('2026-11-23T09:00:00+01:00')));
    expect(ticket).toMatchObject({ status: 'in_progress', openQuestion: null });
    const wrongVersion = applyRolloutCommand(ticket, { type: 'mark-transferred', produktivVersion: 'v1.1' }, awb1, t('2026-11-24T10:00:00+01:00'));
    expect(wrongVersion).toEqual({
      ok: false,
      error: {
        code: 'invalid-command',
        message: 'Übernommen wurde v1.1, beantragt war v1.0.',
        fieldErrors: [{ path: 'produktivVersion', message: 'Muss „v1.0“ sein.' }],
      },
    });
    ticket = ok(applyRolloutCommand(ticket, { type: 'mark-transferred', produktivVersion: 'v1.0' }, awb1, t('2026-11-24T10:00:00+01:00')));
    expect(ticket).toMatchObject({ status: 'transferred', transferredAt: t('2026-11-24T10:00:00+01:00'), produktivVersion: 'v1.0' });
    const stopped = rolloutSla(ticket, sla, t('2026-12-10T10:00:00+01:00'));
    // 14 h Tue 17 + 12 h Thu 19 + 15 h Mon 23 + 10 h Tue 24; Buß- und Bettag and the weekend not counted.
    expect(stopped).toMatchObject({ state: 'stopped', elapsedMs: 51 * H, breached: false });
    ticket = ok(applyRolloutCommand(ticket, { type: 'confirm' }, pe, t('2026-11-24T14:00:00+01:00')));
    expect(ticket.status).toBe('confirmed');
    expect(applyRolloutCommand(ticket, { type: 'confirm' }, pe, t('2026-11-24T15:00:00+01:00'))).toMatchObject({
      ok: false,
      error: { code: 'invalid-transition' },
    });
    expect(ticket.log.map((e) => `${e.command}:${e.from ?? '-'}→${e.to}`)).toEqual([
      'request:-→requested',
      'assign:requested→in_progress',
      'ask-requester:in_progress→waiting_for_requester',
      'answer:waiting_for_requester→in_progress',
      'mark-transferred:in_progress→transferred',
      'confirm:transferred→confirmed',
    ]);
  });

  it('refuses incomplete requests and unknown commands', () => {
    const bad = requestRollout({ ...request, zertifizierungsReferenz: '', prozess: { name: 'X', version: 'eins' } }, pe, T0);
    expect(bad).toEqual({
      ok: false,
      error: {
        code: 'invalid-request',
        message: 'Der Antrag auf Übernahme ist unvollständig.',
        fieldErrors: [
          { path: 'prozess.version', message: 'Version im Format v1.0 oder 1.2.3.' },
          { path: 'zertifizierungsReferenz', message: 'Darf nicht leer sein.' },
        ],
      },
    });
    expect(requestRollout(request, ACTORS.awb, T0)).toMatchObject({ ok: false, error: { code: 'wrong-role' } });
    const ticket = ok(requestRollout(request, pe, T0));
    expect(applyRolloutCommand(ticket, { type: 'delete' }, awb1, T0)).toMatchObject({ ok: false, error: { code: 'invalid-command' } });
    expect(applyRolloutCommand(ticket, { type: 'assign', assigneeId: 'awb-1' }, awb1, T0 - H)).toMatchObject({
      ok: false,
      error: { code: 'invalid-command', message: 'Zeitpunkt liegt vor dem letzten Ticketeintrag.' },
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('release campaign', () => {
  const release: Release = {
    version: '2026.4',
    releaseDate: '2026-11-16',
    changes: [
      { id: 'c1', title: 'ePayBL-Schnittstelle v3', tags: ['payment'], breaking: true },
      { id: 'c2', title: 'Neue Upload-Komponente', tags: ['form:upload'], breaking: false },
      { id: 'c3', title: 'xFall-Container Schema 2.0', tags: ['xfall'], breaking: true },
      { id: 'c4', title: 'Neues Layout', tags: ['ui'], breaking: false },
    ],
  };
  const dienste: OnlinedienstProfile[] = [
    { onlinedienstId: 'od-hund', name: 'Hundesteuer', prozesseigner: 'Stadt Pirna', featureTags: ['payment', 'form:upload'] },
    { onlinedienstId: 'od-schule', name: 'Schulanmeldung', prozesseigner: 'LaSuB', featureTags: ['fitconnect', 'form'] },
    { onlinedienstId: 'od-gewerbe', name: 'Gewerbeanzeige', prozesseigner: 'Stadt Leipzig', featureTags: ['xfall'] },
    { onlinedienstId: 'od-wohngeld', name: 'Wohngeld', prozesseigner: 'Landkreis', featureTags: ['fitconnect'] },
  ];
  const created = t('2026-11-10T09:00:00+01:00');

  function plan(): ReleaseCampaign {
    const r = planReleaseCampaign(release, dienste, created);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return r.campaign;
  }

  it('classifies Onlinedienste by the tags of breaking changes', () => {
    expect(tagMatches('form', 'form:upload')).toBe(true);
    expect(tagMatches('form:upload', 'form')).toBe(true);
    expect(tagMatches('form:upload', 'form:date')).toBe(false);
    expect(tagMatches('*', 'xfall')).toBe(true);
    expect(tagMatches('Payment', 'payment')).toBe(true);
    const hund = classifyOnlinedienst(release, dienste[0]!);
    expect(hund.classification).toBe('recertification-required');
    expect(hund.matchingChanges.map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(hund.breakingChanges.map((c) => c.id)).toEqual(['c1']);
    const schule = classifyOnlinedienst(release, dienste[1]!);
    expect(schule).toMatchObject({ classification: 'regression-check', breakingChanges: [] });
    expect(schule.matchingChanges.map((c) => c.id)).toEqual(['c2']);
    expect(classifyOnlinedienst(release, dienste[2]!).classification).toBe('recertification-required');
    expect(classifyOnlinedienst(release, dienste[3]!).matchingChanges).toEqual([]);
  });

  it('sets deadlines relative to the release date and summarises the campaign at a given now', () => {
    const campaign = plan();
    const due = Object.fromEntries(campaign.tasks.map((x) => [x.onlinedienstId, formatBerlin(x.dueAt)]));
    // 5 working days from Mon 16 Nov (Buß- und Bettag skipped): Mon 16, Tue 17, Thu 19, Fri 20, Mon 23 → Tue 24 00:00.
    expect(due).toEqual({
      'od-hund': '2026-12-15 00:00',
      'od-schule': '2026-11-24 00:00',
      'od-gewerbe': '2026-12-15 00:00',
      'od-wohngeld': '2026-11-24 00:00',
    });

    const pe = ACTORS.prozesseigner;
    let c = campaign;
    const step = (id: string, report: unknown, at: number) => {
      const r = recordRecheck(c, id, report, pe, at);
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      c = r.campaign;
    };
    expect(recordRecheck(c, 'od-hund', { result: 'recertified' }, pe, created)).toMatchObject({ ok: false, error: { code: 'invalid-transition' } });
    expect(recordRecheck(c, 'od-hund', { result: 'finding' }, pe, created)).toMatchObject({
      ok: false,
      error: { code: 'invalid-report', fieldErrors: [{ path: 'finding', message: 'Befund angeben.' }] },
    });
    expect(recordRecheck(c, 'od-hund', { result: 'ok' }, ACTORS.awb, created)).toMatchObject({ ok: false, error: { code: 'wrong-role' } });
    expect(recordRecheck(c, 'od-nix', { result: 'ok' }, pe, created)).toMatchObject({ ok: false, error: { code: 'unknown-onlinedienst' } });

    step('od-hund', { result: 'recertifying', finding: 'ePayBL v3 anbinden' }, t('2026-11-17T09:00:00+01:00'));
    step('od-schule', { result: 'ok' }, t('2026-11-18T09:00:00+01:00'));
    step('od-gewerbe', { result: 'finding', finding: 'xFall-Export bricht ab' }, t('2026-11-19T09:00:00+01:00'));

    expect(summarizeCampaign(c, t('2026-11-20T12:00:00+01:00'))).toEqual({
      releaseVersion: '2026.4',
      total: 4,
      checkedOk: 1,
      failedWithFinding: 1,
      recertifying: 1,
      late: 0,
      notStarted: 1,
      recertificationRequired: 2,
      regressionCheck: 2,
      nextDueAt: t('2026-11-24T00:00:00+01:00'),
    });
    expect(summarizeCampaign(c, t('2026-11-25T12:00:00+01:00'))).toMatchObject({ checkedOk: 1, failedWithFinding: 1, recertifying: 1, late: 1, notStarted: 0, nextDueAt: null });
    step('od-hund', { result: 'recertified' }, t('2026-12-01T09:00:00+01:00'));
    expect(summarizeCampaign(c, t('2026-12-01T12:00:00+01:00'))).toMatchObject({ checkedOk: 2, recertifying: 0, late: 1 });
    expect(c.tasks[0]).toMatchObject({ result: 'recertified', finding: 'ePayBL v3 anbinden', reportedBy: 'pe-1' });
  });

  it('renders CSV with proper quoting', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('a,b', { delimiter: ';' })).toBe('a,b');
    expect(csvCell('sagt "Hallo"')).toBe('"sagt ""Hallo"""');
    expect(csvCell('Zeile 1\nZeile 2')).toBe('"Zeile 1\nZeile 2"');
    expect(csvCell('=SUMME(A1:A9)')).toBe("'=SUMME(A1:A9)");
    expect(toCsv([['a', 'b'], ['c', '']])).toBe('a,b\r\nc,\r\n');

    const r = planReleaseCampaign(
      release,
      [
        { onlinedienstId: 'od-hund', name: 'Hundesteuer "An- und Abmeldung", Pirna', prozesseigner: '=Stadt Pirna', featureTags: ['payment'] },
        { onlinedienstId: 'od-wohngeld', name: 'Wohngeld', featureTags: [] },
      ],
      created,
    );
    if (!r.ok) throw new Error('plan failed');
    const reported = recordRecheck(r.campaign, 'od-hund', { result: 'finding', finding: 'Zahlung bricht ab;\nsiehe "Ticket 12"' }, ACTORS.prozesseigner, t('2026-11-17T14:30:00+01:00'));
    if (!reported.ok) throw new Error('report failed');
    const csv = renderCampaignCsv(reported.campaign, t('2026-11-25T12:00:00+01:00'));
    expect(csv).toBe(
      'Release,Onlinedienst-ID,Onlinedienst,Prozesseigner,Einstufung,Betroffene Änderungen,Frist,Status,Befund,Gemeldet am\r\n' +
        '2026.4,od-hund,"Hundesteuer ""An- und Abmeldung"", Pirna",\'=Stadt Pirna,Rezertifizierung erforderlich,c1,2026-12-15 00:00,Befund,"Zahlung bricht ab;\nsiehe ""Ticket 12""",2026-11-17 14:30\r\n' +
        '2026.4,od-wohngeld,Wohngeld,,Regressionsprüfung,,2026-11-24 00:00,Überfällig,,\r\n',
    );
    const semicolon = renderCampaignCsv(reported.campaign, t('2026-11-20T12:00:00+01:00'), { delimiter: ';' });
    expect(semicolon.split('\r\n')[2]).toBe('2026.4;od-wohngeld;Wohngeld;;Regressionsprüfung;;2026-11-24 00:00;Noch nicht geprüft;;');
    expect(semicolon.split('\r\n')[1]).toContain('"Hundesteuer ""An- und Abmeldung"", Pirna"');

    expect(planReleaseCampaign({ ...release, releaseDate: '16.11.2026' }, dienste, created)).toMatchObject({
      ok: false,
      error: { code: 'invalid-release', fieldErrors: [{ path: 'releaseDate', message: 'Ungültiges Datum (JJJJ-MM-TT).' }] },
    });
  });
});
