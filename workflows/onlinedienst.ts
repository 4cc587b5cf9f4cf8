// One workflow per Onlinedienst, from Klärung to Abschaltung, for years. The pure state machine (lifecycle/tasks.ts)
// decides; this workflow feeds it task completions (Updates, refused by validators) and outside events, holds the
// phase while a gate check fails, starts the rollout ticket, reminds whoever is late, records every change in the
// audit log and the PostgreSQL projection, and continues as new at every phase boundary.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  allHandlersFinished,
  condition,
  log,
  makeContinueAsNewFunc,
  ParentClosePolicy,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { AuditRecord, LifecycleSnapshot, ReleaseCheckRow, TaskRow } from '../activities/onlinedienst/projection';
import { lifecycleInBetrieb } from '../domain/onlinedienst/bestand';
import { domainNow, realDelayMs, resolveClock } from '../domain/clock';
import {
  abschaltungSchema,
  EVENT_KEY_PREFIX,
  EVENT_ROLES,
  EVENT_SCHEMAS,
  EVENT_TYPES,
  type AbschaltungEntscheidung,
  type EventType,
} from '../domain/onlinedienst/events';
import { parseFields } from '../domain/field-errors';
import { buildGateReport, GATE_LABELS, gateBefore, type GateId, type GateReport } from '../domain/onlinedienst/gate-report';
import { PHASES, ROLE_LABELS, type Role } from '../domain/onlinedienst/phases';
import { refusal } from '../messages/refusal';
import { reportFromReleasePruefung } from '../domain/release/campaign';
import { union, type Actor, type LifecycleContext } from '../domain/onlinedienst/task-catalog';
import {
  addMandant,
  completeTask,
  createLifecycle,
  decideShutdown,
  openEventTask,
  type CompletedTask,
  type LifecycleState,
  type OpenTask,
  type StateChange,
} from '../domain/onlinedienst/tasks';
import { formatBerlin, startOfBerlinDay, type Instant } from '../domain/working-days';
import {
  completeTaskUpdate,
  decideShutdownUpdate,
  lifecycleStateQuery,
  openReleaseCheckSignal,
  prozessparameterChangedSignal,
  recheckGateUpdate,
  registerMandantUpdate,
  reportEventUpdate,
  rolloutClosedSignal,
  rolloutTransferredSignal,
  type CarriedLifecycle,
  type LifecycleInput,
  type LifecycleOutcome,
  type LifecycleView,
  type Notice,
  type ReleaseCheckState,
  type ReportEventRequest,
  type TaskUpdateResult,
} from '../messages/onlinedienst';
import { rolloutWorkflowId } from '../messages/rollout';
import { rolloutTicketWorkflow } from './rollout';
import { LifecyclePhaseKey, MandantIdKey, OnlinedienstIdKey, ProzesseignerKey, ReleaseCheckStateKey } from '../messages/search-attributes';

import { acts, local } from './lifecycle-activities';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SYSTEM = 'system';
/** Tasks whose opening needs no mail: the yearly review is far off, release re-checks come as campaign digests. */
const QUIET_TASKS = new Set(['betriebspruefung', 'release-pruefung']);

export async function onlinedienstLifecycleWorkflow(input: LifecycleInput): Promise<LifecycleOutcome> {
  const info = workflowInfo();
  const workflowId = info.workflowId;
  const odId = input.onlinedienstId;
  const settings = input.settings ?? {};
  const reminderInterval = settings.reminderIntervalMs ?? DAY;
  const maxReminders = settings.maxReminders ?? 10;
  const gateRecheckInterval = settings.gateRecheckIntervalMs ?? DAY;
  const drainInterval = settings.drainPollIntervalMs ?? HOUR;
  const clock = input.carried?.clock ?? resolveClock(settings.clock, Date.now());
  const now = () => domainNow(clock, Date.now());

  const wf: CarriedLifecycle = input.carried ?? initialState(input, clock, now());
  let busy = false;
  let phaseChangedInRun = false;
  /** Recorded changes in this run; the main loop recomputes its wake-up time when it moves. */
  let changes = 0;

  // Timers are armed, never cancelled: every command would otherwise cancel the pending timer, which costs a
  // history event and, in the worker, a failure with a stack trace — per Onlinedienst in a release campaign.
  // A timer that fires when nothing is due is a no-op; an earlier wake-up time arms an additional one.
  let alarmAt: Instant | null = null;
  let alarmRang = false;
  function arm(at: Instant): void {
    const t = now();
    if (alarmAt !== null && alarmAt > t && alarmAt <= at) return;
    alarmAt = at;
    void sleep(realDelayMs(clock, t, at)).then(
      () => {
        if (alarmAt === at) alarmAt = null;
        alarmRang = true;
      },
      () => undefined,
    );
  }

  let shutdownDecision: AbschaltungEntscheidung | null = null;

  // ------------------------------------------------------------------------------------------------ helpers
  async function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    // Several handlers may wake together; the first to run takes the lock, the others wait again.
    while (busy) await condition(() => !busy);
    busy = true;
    try {
      return await fn();
    } finally {
      busy = false;
    }
  }

  const ctx = () => wf.lc.context;
  const allMandanten = () => union(ctx().mandanten, ctx().aktivierteMandanten ?? []);

  function normaliseActor(actor: Actor): Actor {
    return actor.mandanten.includes('*') ? { ...actor, mandanten: allMandanten() } : actor;
  }

  function releaseCheckState(): ReleaseCheckState | null {
    const entries = Object.values(wf.releaseChecks).sort((a, b) => a.openedAt - b.openedAt || (a.version < b.version ? -1 : 1));
    return entries.at(-1)?.state ?? null;
  }

  function snapshot(): LifecycleSnapshot {
    const c = ctx();
    return {
      name: input.name,
      mandantId: input.mandantId,
      prozesseigner: input.prozesseigner,
      phase: wf.lc.phase,
      entry: wf.lc.entry,
      recertification: c.recertification === true,
      featureTags: c.featureTags ?? [],
      mandanten: allMandanten(),
      gate: wf.gate.last as unknown as Record<string, unknown> | null,
      releaseCheckState: releaseCheckState(),
      clock,
      endedAt: wf.lc.endedAt,
    };
  }

  const taskRow = (t: OpenTask): TaskRow => ({
    taskId: t.id,
    templateId: t.templateId,
    entry: t.entry,
    attempt: t.attempt,
    phase: t.phase,
    role: t.role,
    ...(t.mandant !== undefined ? { mandantId: t.mandant } : {}),
    title: t.title,
    blocking: t.blocking,
    openedAt: t.openedAt,
    dueAt: t.dueAt,
  });
  const taskKey = (t: OpenTask) => ({ taskId: t.id, entry: t.entry, attempt: t.attempt });
  const reminderKey = (t: OpenTask) => `${t.id}#${t.entry}#${t.attempt}`;

  let saPhase = info.typedSearchAttributes.get(LifecyclePhaseKey);
  let saRelease = info.typedSearchAttributes.get(ReleaseCheckStateKey);
  function syncSearchAttributes(): void {
    const updates = [];
    if (saPhase !== wf.lc.phase) updates.push({ key: LifecyclePhaseKey, value: wf.lc.phase });
    const release = releaseCheckState();
    if (release !== null && saRelease !== release) updates.push({ key: ReleaseCheckStateKey, value: release });
    if (info.typedSearchAttributes.get(OnlinedienstIdKey) === undefined) {
      updates.push({ key: OnlinedienstIdKey, value: odId }, { key: MandantIdKey, value: input.mandantId }, { key: ProzesseignerKey, value: input.prozesseigner });
    }
    if (updates.length === 0) return;
    upsertSearchAttributes(updates);
    saPhase = wf.lc.phase;
    if (release !== null) saRelease = release;
  }

  function taskNotice(t: OpenTask): Notice {
    const notice: Notice = {
      key: `${workflowId}:aufgabe:${t.id}:${t.entry}:${t.attempt}`,
      role: t.role,
      subject: `Neue Aufgabe: ${t.title} – ${input.name}`,
      text:
        `Guten Tag,\n\nfür den Onlinedienst „${input.name}“ (${odId}, Phase „${PHASES[t.phase].label}“) ist eine Aufgabe ` +
        `für die Rolle ${ROLE_LABELS[t.role]} offen:\n\n  ${t.title}\n  fällig am ${formatBerlin(t.dueAt)}\n\n` +
        `Ihre Amt24-Orchestrierung\n`,
    };
    if (t.mandant !== undefined) notice.mandantId = t.mandant;
    return notice;
  }

  function queue(...notices: Notice[]): void {
    wf.outbox.push(...notices);
  }

  async function record(
    audit: AuditRecord[],
    extra: Partial<{
      opened: OpenTask[];
      completed: CompletedTask[];
      cancelled: OpenTask[];
      reminded: Array<{ task: OpenTask; count: number }>;
      releaseChecks: ReleaseCheckRow[];
      prozess: { name: string; version: string };
      formular: { name: string; version: string };
    }> = {},
  ): Promise<void> {
    wf.seq += 1;
    changes += 1;
    await local.recordLifecycle({
      workflowId,
      onlinedienstId: odId,
      seq: wf.seq,
      audit,
      snapshot: snapshot(),
      opened: (extra.opened ?? []).map(taskRow),
      completed: (extra.completed ?? []).map((c) => ({ ...taskKey(c), completedBy: c.completedBy, completedAt: c.completedAt, late: c.late })),
      cancelled: (extra.cancelled ?? []).map(taskKey),
      reminded: (extra.reminded ?? []).map((r) => ({ ...taskKey(r.task), count: r.count })),
      releaseChecks: extra.releaseChecks ?? [],
      ...(extra.prozess ? { prozess: extra.prozess } : {}),
      ...(extra.formular ? { formular: extra.formular } : {}),
    });
    syncSearchAttributes();
  }

  // ------------------------------------------------------------------------------------------------ gate
  async function runGate(gate: GateId, at: Instant): Promise<GateReport> {
    const loaded = await acts.loadGateData({ onlinedienstId: odId });
    const report = buildGateReport(gate, loaded.activations, loaded.data, gate === 'vor-go-live' ? ctx().mandanten : [], at);
    wf.gate.last = report;
    return report;
  }

  function gateFailureNotices(report: GateReport): Notice[] {
    const lines = [
      ...report.failures.map((f) => `- ${f.message}`),
      ...report.activations.flatMap((a) => a.failures.map((f) => `- Mandant ${a.mandantId}: ${f.message}`)),
    ].join('\n');
    const text =
      `Guten Tag,\n\ndie ${GATE_LABELS[report.gate]} für „${input.name}“ (${odId}) ist nicht bestanden. ` +
      `Die Phase bleibt stehen, bis die Stammdaten gepflegt sind:\n\n${lines}\n\nIhre Amt24-Orchestrierung\n`;
    const subject = `Gate-Prüfung nicht bestanden: ${input.name}`;
    const notices: Notice[] = [{ key: `${workflowId}:gate:${wf.seq}:pe`, role: 'prozesseigner', subject, text }];
    for (const a of report.activations.filter((x) => !x.passed)) {
      notices.push({ key: `${workflowId}:gate:${wf.seq}:${a.mandantId}`, role: 'mandant-admin', mandantId: a.mandantId, subject, text });
    }
    return notices;
  }

  const gateSummary = (report: GateReport) => ({
    gate: report.gate,
    passed: report.passed,
    failures: [
      ...report.failures.map((f) => ({ code: f.code, mandantId: f.mandantId ?? null })),
      ...report.activations.flatMap((a) => a.failures.map((f) => ({ code: f.code, mandantId: a.mandantId }))),
    ],
  });

  // ------------------------------------------------------------------------------------------------ commands
  async function commit(
    r: StateChange,
    actorId: string,
    meta: { action: string; details: Record<string, unknown>; completed?: CompletedTask; actor?: Actor; extraAudit?: AuditRecord[]; mandantId?: string },
  ): Promise<void> {
    wf.lc = r.state;
    const t = now();
    const audit: AuditRecord[] = [...(meta.extraAudit ?? []), { action: meta.action, actor: actorId, mandantId: meta.mandantId ?? null, details: meta.details }];
    for (const tr of r.transitions) {
      audit.push({
        action: 'onlinedienst.phase.gewechselt',
        actor: actorId,
        details: { von: tr.from, nach: tr.to, art: tr.kind, grund: tr.reason, am: new Date(tr.at).toISOString() },
      });
    }
    if (r.ended) audit.push({ action: 'onlinedienst.lebenszyklus.abgeschlossen', actor: actorId, details: { am: new Date(t).toISOString() } });

    const releaseRows: ReleaseCheckRow[] = [];
    const done = meta.completed;
    if (done?.templateId === 'release-pruefung' && done.key !== undefined) {
      const report = reportFromReleasePruefung(done.fields as { ergebnis: string; befunde?: string });
      const entry = wf.releaseChecks[done.key];
      if (entry) entry.state = report.result === 'ok' ? 'geprueft' : report.result === 'finding' ? 'befund' : 'rezertifizierung';
      releaseRows.push({ version: done.key, result: report.result, finding: report.finding ?? null, reportedAt: t, reportedBy: actorId });
    }
    if (r.transitions.some((tr) => tr.from === 'zertifizierung' && tr.to === 'betrieb')) {
      for (const entry of Object.values(wf.releaseChecks)) {
        if (entry.state !== 'rezertifizierung') continue;
        entry.state = 'geprueft';
        releaseRows.push({ version: entry.version, result: 'recertified', reportedAt: t, reportedBy: actorId });
      }
    }
    const prototyp = done?.templateId === 'prototyp-bereitstellen' ? (done.fields as { prozess: { name: string; version: string }; formular: { name: string; version: string } }) : null;
    await record(audit, {
      opened: r.opened,
      completed: done ? [done] : [],
      cancelled: r.cancelled,
      releaseChecks: releaseRows,
      ...(prototyp ? { prozess: prototyp.prozess, formular: prototyp.formular } : {}),
    });
    if (r.transitions.length > 0) phaseChangedInRun = true;
    queue(...r.opened.filter((o) => !QUIET_TASKS.has(o.templateId)).map(taskNotice));
    if (done) await effectsOfCompletion(done, t, meta.actor ?? { id: actorId, roles: [], mandanten: [] });
    for (const tr of r.transitions) if (tr.to === 'abschaltung') await startAbschaltung(actorId, t);
  }

  async function effectsOfCompletion(done: CompletedTask, t: Instant, actor: Actor): Promise<void> {
    const key = `${workflowId}:${wf.seq}:${done.templateId}`;
    const m = done.mandant;
    switch (done.templateId) {
      case 'uebernahme-beantragen':
        await startRolloutTicket(done, t, actor);
        break;
      case 'aktivierung':
        if (m === undefined) break;
        await acts.setAktivierung({
          workflowId, onlinedienstId: odId, mandantId: m, wartungsmodus: true, status: 'aktiv', actor: done.completedBy, key,
          reason: 'Aktiviert; Wartungsmodus an für den produktiven Abnahmetest',
        });
        wf.mandanten[m] = { ...wf.mandanten[m], wartungsmodus: true };
        break;
      case 'wartungsmodus-aus':
        if (m === undefined) break;
        await acts.setAktivierung({
          workflowId, onlinedienstId: odId, mandantId: m, wartungsmodus: false, actor: done.completedBy, key,
          reason: 'Produktive Abnahme bestanden; Wartungsmodus aus durch den Mandanten',
        });
        wf.mandanten[m] = { ...wf.mandanten[m], wartungsmodus: false };
        break;
      case 'deaktivierung':
        if (m === undefined) break;
        await acts.setAktivierung({
          workflowId, onlinedienstId: odId, mandantId: m, status: 'deaktiviert', wartungsmodus: true, actor: done.completedBy, key,
          reason: 'Abschaltung: beim Mandanten deaktiviert',
        });
        break;
      default:
        break;
    }
  }

  async function startRolloutTicket(done: CompletedTask, t: Instant, requestedBy: Actor): Promise<void> {
    wf.counters.rollouts += 1;
    const childId = rolloutWorkflowId(odId, wf.counters.rollouts);
    const f = done.fields as { prozess: unknown; formular: unknown; zertifizierungsReferenz: string; ticketId?: string };
    const ticketId = f.ticketId && f.ticketId.trim() !== '' ? f.ticketId : childId;
    try {
      await startChild(rolloutTicketWorkflow, {
        workflowId: childId,
        args: [
          {
            request: {
              ticketId,
              onlinedienstId: odId,
              mandantId: input.mandantId,
              prozess: f.prozess,
              formular: f.formular,
              zertifizierungsReferenz: f.zertifizierungsReferenz,
            },
            requestedBy,
            onlinedienstName: input.name,
            parentWorkflowId: workflowId,
            settings: { ...settings.rollout, clock },
          },
        ],
        // The lifecycle continues as new at phase boundaries; the ticket must outlive the run that started it.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: [
          { key: OnlinedienstIdKey, value: odId },
          { key: MandantIdKey, value: input.mandantId },
        ],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    wf.rollout.active = { workflowId: childId, ticketId, startedAt: t, status: 'offen' };
  }

  async function startAbschaltung(actorId: string, t: Instant): Promise<void> {
    const decision = shutdownDecision ?? { begruendung: 'Abschaltung beschlossen', antraege: 'auslaufen' as const };
    shutdownDecision = null;
    wf.abschaltung = {
      decidedAt: t,
      begruendung: decision.begruendung,
      antraege: decision.antraege,
      ...(decision.uebergabeAn ? { uebergabeAn: decision.uebergabeAn } : {}),
      offeneAntraege: null,
      drained: false,
      nextPollAt: null,
      retentionApplied: false,
    };
    const aktiviert = ctx().aktivierteMandanten ?? [];
    if (aktiviert.length > 0) {
      await acts.setAktivierung({
        workflowId, onlinedienstId: odId, mandantId: '*', wartungsmodus: true, actor: actorId,
        key: `${workflowId}:${wf.seq}:abschaltung-wartungsmodus`,
        reason: 'Abschaltung beschlossen: keine neuen Anträge mehr',
      });
    }
    const text =
      `Guten Tag,\n\nder Onlinedienst „${input.name}“ (${odId}) wird abgeschaltet.\nBegründung: ${decision.begruendung}\n` +
      (decision.ankuendigung ? `\n${decision.ankuendigung}\n` : '') +
      `\nNeue Anträge sind ab sofort nicht mehr möglich (Wartungsmodus). Offene Anträge werden ` +
      (decision.antraege === 'uebergeben' ? `an ${decision.uebergabeAn} übergeben.` : 'noch zu Ende bearbeitet.') +
      `\n\nIhre Amt24-Orchestrierung\n`;
    const subject = `Ankündigung: Abschaltung von „${input.name}“`;
    queue(
      { key: `${workflowId}:abschaltung:pe`, role: 'prozesseigner', subject, text },
      { key: `${workflowId}:abschaltung:awb`, role: 'awb', subject, text },
      ...aktiviert.map((m): Notice => ({ key: `${workflowId}:abschaltung:${m}`, role: 'mandant-admin', mandantId: m, subject, text })),
    );
    if (decision.antraege === 'uebergeben') {
      const byMandant = await acts.handOverAntraege({
        workflowId, onlinedienstId: odId, an: decision.uebergabeAn ?? '', actor: actorId, key: `${workflowId}:${wf.seq}:uebergabe`,
      });
      for (const [m, list] of Object.entries(byMandant)) {
        queue({
          key: `${workflowId}:uebergabe:${m}`,
          role: 'mandant-admin',
          mandantId: m,
          subject: `Übergabe offener Anträge: ${input.name}`,
          text: `Guten Tag,\n\nfolgende offene Anträge gehen an ${decision.uebergabeAn}:\n\n${list.map((v) => `- ${v}`).join('\n')}\n\nIhre Amt24-Orchestrierung\n`,
        });
      }
      wf.abschaltung.offeneAntraege = 0;
      wf.abschaltung.drained = true;
    } else {
      await pollDrain(t);
    }
  }

  async function pollDrain(t: Instant): Promise<void> {
    const a = wf.abschaltung;
    if (!a || a.drained) return;
    const open = await acts.countOpenAntraege({ onlinedienstId: odId });
    a.offeneAntraege = open;
    if (open === 0) {
      a.drained = true;
      a.nextPollAt = null;
      await record([{ action: 'onlinedienst.antraege.ausgelaufen', actor: SYSTEM, details: { am: new Date(t).toISOString() } }]);
    } else {
      a.nextPollAt = t + drainInterval;
    }
  }

  /** Completes a task; a completion that enters a gated phase runs the gate check first and is held if it fails. */
  async function completeWithGate(taskId: string, actor: Actor, fields: unknown): Promise<TaskUpdateResult> {
    const t = now();
    const r = completeTask(wf.lc, taskId, actor, fields, t);
    if (!r.ok) throw refusal(r.error);
    const gate = r.transitions.map((tr) => gateBefore(tr.to)).find((g): g is GateId => g !== null) ?? null;
    let extraAudit: AuditRecord[] = [];
    if (gate !== null) {
      const report = await runGate(gate, t);
      if (!report.passed) {
        wf.gate.hold = { gate, taskId, actor, fields: r.completed.fields, since: t, nextCheckAt: t + gateRecheckInterval };
        await record([{ action: 'onlinedienst.gate.nicht-bestanden', actor: actor.id, details: { taskId, ...gateSummary(report) } }]);
        queue(...gateFailureNotices(report));
        return { status: 'gehalten', phase: wf.lc.phase, transitions: [], opened: [], gate: report };
      }
      extraAudit = [{ action: 'onlinedienst.gate.bestanden', actor: actor.id, details: gateSummary(report) }];
    }
    if (wf.gate.hold?.taskId === taskId) wf.gate.hold = null;
    await commit(r, actor.id, {
      action: 'onlinedienst.aufgabe.erledigt',
      details: { taskId, attempt: r.completed.attempt, phase: r.completed.phase, verspaetet: r.completed.late, felder: r.completed.fields },
      completed: r.completed,
      actor,
      extraAudit,
      ...(r.completed.mandant !== undefined ? { mandantId: r.completed.mandant } : {}),
    });
    return {
      status: 'erledigt',
      phase: wf.lc.phase,
      transitions: r.transitions,
      opened: r.opened.map((o) => o.id),
      ...(gate !== null && wf.gate.last ? { gate: wf.gate.last } : {}),
    };
  }

  async function retryHold(actorId: string): Promise<TaskUpdateResult | null> {
    const hold = wf.gate.hold;
    if (!hold) return null;
    const t = now();
    const report = await runGate(hold.gate, t);
    if (!report.passed) {
      hold.nextCheckAt = t + gateRecheckInterval;
      await record([{ action: 'onlinedienst.gate.nicht-bestanden', actor: actorId, details: { taskId: hold.taskId, ...gateSummary(report) } }]);
      // Each failed re-check tells those who must fix the data again: the daily re-check doubles as a reminder.
      queue(...gateFailureNotices(report));
      return { status: 'gehalten', phase: wf.lc.phase, transitions: [], opened: [], gate: report };
    }
    wf.gate.hold = null;
    const r = completeTask(wf.lc, hold.taskId, hold.actor, hold.fields, t);
    if (!r.ok) {
      // The held completion no longer fits (the phase moved on meanwhile); the gate result stands on its own.
      await record([{ action: 'onlinedienst.gate.bestanden', actor: actorId, details: { ...gateSummary(report), verworfen: r.error.message } }]);
      return { status: 'erledigt', phase: wf.lc.phase, transitions: [], opened: [], gate: report };
    }
    await commit(r, hold.actor.id, {
      action: 'onlinedienst.aufgabe.erledigt',
      details: { taskId: hold.taskId, attempt: r.completed.attempt, phase: r.completed.phase, nachGatePruefung: true, felder: r.completed.fields },
      completed: r.completed,
      actor: hold.actor,
      extraAudit: [{ action: 'onlinedienst.gate.bestanden', actor: actorId, details: gateSummary(report) }],
    });
    return { status: 'erledigt', phase: wf.lc.phase, transitions: r.transitions, opened: r.opened.map((o) => o.id), gate: report };
  }

  function refuseManagedByTicket(taskId: string): void {
    if (taskId === 'uebernahme-bestaetigen' && wf.rollout.active) {
      throw refusal({
        code: 'managed-by-ticket',
        message: `Die Übernahme bestätigt die Anwendungsbetreuung im Rollout-Ticket ${wf.rollout.active.ticketId} (${wf.rollout.active.workflowId}).`,
      });
    }
  }

  function parseEvent(type: EventType, actor: Actor, payload: unknown): Record<string, unknown> {
    if (!(EVENT_TYPES as readonly string[]).includes(type)) throw refusal({ code: 'invalid-fields', message: `Unbekanntes Ereignis: ${type}` });
    if (!EVENT_ROLES[type].some((r) => actor.roles.includes(r))) {
      throw refusal({ code: 'wrong-role', message: `Dieses Ereignis melden: ${EVENT_ROLES[type].map((r) => ROLE_LABELS[r]).join(', ')}.` });
    }
    const parsed = parseFields(EVENT_SCHEMAS[type](), payload);
    if (!parsed.ok) throw refusal({ code: 'invalid-fields', message: 'Die Angaben zum Ereignis sind unvollständig oder ungültig.', fieldErrors: parsed.fieldErrors });
    const data = parsed.data as Record<string, unknown>;
    if (type === 'konfigurationsaenderung') {
      const mandantId = data.mandantId as string;
      if (!allMandanten().includes(mandantId)) throw refusal({ code: 'unknown-mandant', message: `Mandant ${mandantId} hat diesen Onlinedienst nicht aktiviert.` });
      if (!actor.roles.includes('prozesseigner') && !actor.mandanten.includes(mandantId)) {
        throw refusal({ code: 'wrong-mandant', message: `Konfigurationsänderungen für ${mandantId} beauftragt nur dieser Mandant.` });
      }
    }
    return data;
  }

  function eventDueAt(type: EventType, data: Record<string, unknown>, t: Instant): Instant | undefined {
    // Legal changes and configuration orders are due when they take effect, if that leaves time.
    const date = type === 'rechtsaenderung' ? data.inKraftAb : type === 'konfigurationsaenderung' ? data.gueltigAb : undefined;
    if (typeof date !== 'string') return undefined;
    const due = startOfBerlinDay(date);
    return due > t ? due : undefined;
  }

  // ------------------------------------------------------------------------------------------------ handlers
  setHandler(lifecycleStateQuery, () => view());

  setHandler(
    completeTaskUpdate,
    (req) =>
      exclusive(async () => {
        const actor = normaliseActor(req.actor);
        refuseManagedByTicket(req.taskId);
        return completeWithGate(req.taskId, actor, req.fields);
      }),
    {
      validator: (req) => {
        refuseManagedByTicket(req.taskId);
        const r = completeTask(wf.lc, req.taskId, normaliseActor(req.actor), req.fields, now());
        if (!r.ok) throw refusal(r.error);
      },
    },
  );

  setHandler(
    reportEventUpdate,
    (req) =>
      exclusive(async () => {
        const actor = normaliseActor(req.actor);
        const data = parseEvent(req.type, actor, req.payload);
        const t = now();
        const n = wf.counters.events + 1;
        const key = `${EVENT_KEY_PREFIX[req.type]}-${n}`;
        const dueAt = eventDueAt(req.type, data, t);
        const r = openEventTask(wf.lc, req.type, {
          key,
          now: t,
          payload: { ...data, gemeldetVon: actor.id },
          ...(dueAt !== undefined ? { dueAt } : {}),
        });
        if (!r.ok) throw refusal(r.error);
        wf.counters.events = n;
        await commit(r, actor.id, {
          action: `onlinedienst.ereignis.${req.type}`,
          details: { taskId: `${req.type}:${key}`, ...data },
          ...(typeof data.mandantId === 'string' ? { mandantId: data.mandantId } : {}),
        });
        const task = r.opened[0]!;
        return { taskId: task.id, dueAt: task.dueAt };
      }),
    {
      validator: (req: ReportEventRequest) => {
        parseEvent(req.type, normaliseActor(req.actor), req.payload);
        const r = openEventTask(wf.lc, req.type, { key: `${EVENT_KEY_PREFIX[req.type]}-${wf.counters.events + 1}`, now: now() });
        if (!r.ok) throw refusal(r.error);
      },
    },
  );

  function parseShutdown(req: { actor: Actor; payload: unknown }): { decision: AbschaltungEntscheidung; r: StateChange } {
    const parsed = parseFields(abschaltungSchema(), req.payload);
    if (!parsed.ok) throw refusal({ code: 'invalid-fields', message: 'Die Angaben zur Abschaltung sind unvollständig.', fieldErrors: parsed.fieldErrors });
    const r = decideShutdown(wf.lc, req.actor, parsed.data.begruendung, now());
    if (!r.ok) throw refusal(r.error);
    return { decision: parsed.data, r };
  }

  setHandler(
    decideShutdownUpdate,
    (req) =>
      exclusive(async () => {
        const { decision, r } = parseShutdown(req);
        shutdownDecision = decision;
        await commit(r, req.actor.id, { action: 'onlinedienst.abschaltung.beschlossen', details: { ...decision } });
        return { status: 'erledigt', phase: wf.lc.phase, transitions: r.transitions, opened: r.opened.map((o) => o.id) };
      }),
    { validator: (req) => void parseShutdown(req) },
  );

  /** null: the Mandant is known already. */
  function checkRegistration(req: { actor: Actor; mandantId: string }): StateChange | null {
    const actor = normaliseActor(req.actor);
    const allowed = actor.roles.includes('prozesseigner') || actor.roles.includes('projektleitung') || (actor.roles.includes('mandant-admin') && actor.mandanten.includes(req.mandantId));
    if (!allowed) throw refusal({ code: 'wrong-role', message: `Aktivierungen für ${req.mandantId} erfasst der Mandant selbst oder der Prozesseigner.` });
    if (allMandanten().includes(req.mandantId)) return null;
    const r = addMandant(wf.lc, req.mandantId, actor.id, now());
    if (!r.ok) throw refusal(r.error);
    return r;
  }

  setHandler(
    registerMandantUpdate,
    (req) =>
      exclusive(async () => {
        const r = checkRegistration(req);
        if (r === null) return { added: false, opened: [] };
        await commit(r, req.actor.id, { action: 'onlinedienst.mandant.erfasst', details: { mandantId: req.mandantId }, mandantId: req.mandantId });
        return { added: true, opened: r.opened.map((o) => o.id) };
      }),
    { validator: (req) => void checkRegistration(req) },
  );

  setHandler(recheckGateUpdate, (req) => exclusive(() => retryHold(req.actor.id)), {
    validator: (req) => {
      if (!wf.gate.hold) throw refusal({ code: 'no-gate-hold', message: 'Es wartet keine Phase auf eine Gate-Prüfung.' });
      const roles: Role[] = ['prozesseigner', 'mandant-admin', 'projektleitung', 'awb'];
      if (!roles.some((r) => req.actor.roles.includes(r))) throw refusal({ code: 'wrong-role', message: 'Keine Berechtigung für die Gate-Prüfung.' });
    },
  });

  setHandler(openReleaseCheckSignal, (notice) =>
    exclusive(async () => {
      if (wf.releaseChecks[notice.version]) return; // delivered twice
      const t = now();
      const r = openEventTask(wf.lc, 'release-pruefung', {
        key: notice.version,
        now: t,
        dueAt: notice.dueAt,
        payload: {
          releaseDate: notice.releaseDate,
          classification: notice.classification,
          matchingChangeIds: notice.matchingChangeIds,
          breakingChangeIds: notice.breakingChangeIds,
        },
      });
      if (!r.ok) {
        if (r.error.code !== 'wrong-phase') return;
        wf.releaseChecks[notice.version] = { version: notice.version, state: 'nicht-in-betrieb', classification: notice.classification, dueAt: notice.dueAt, openedAt: t };
        await record([], { releaseChecks: [{ version: notice.version, notApplicable: `Nicht in Betrieb (Phase „${PHASES[wf.lc.phase].label}“)` }] });
        return;
      }
      wf.lc = r.state;
      wf.releaseChecks[notice.version] = { version: notice.version, state: 'offen', classification: notice.classification, dueAt: notice.dueAt, openedAt: t };
      wf.seq += 1;
      await local.recordReleaseCheckOpened({ onlinedienstId: odId, seq: wf.seq, version: notice.version, task: taskRow(r.opened[0]!), releaseCheckState: 'offen' });
      syncSearchAttributes();
      // The hot path of a campaign: arm the lateness alarm here instead of waking the main loop for it.
      arm(notice.dueAt);
    }),
  );

  setHandler(prozessparameterChangedSignal, (s) => {
    wf.mandanten[s.mandantId] = { ...wf.mandanten[s.mandantId], parameterKeys: union(wf.mandanten[s.mandantId]?.parameterKeys ?? [], s.keys), parameterChangedAt: now() };
  });

  setHandler(rolloutTransferredSignal, (s) =>
    exclusive(async () => {
      if (wf.rollout.active?.workflowId === s.ticketWorkflowId) wf.rollout.active.status = 'uebernommen';
      if (!wf.lc.openTasks.some((t) => t.id === 'uebernahme-bestaetigen')) return;
      try {
        await completeWithGate('uebernahme-bestaetigen', { id: s.by, roles: ['awb'], mandanten: [] }, { ticketId: s.ticketId, produktivVersion: s.produktivVersion });
      } catch (err) {
        // A signal cannot be refused; a mismatch is logged and left to the people on the ticket.
        log.warn('rollout transfer could not complete the task', { error: (err as Error).message });
      }
    }),
  );

  setHandler(rolloutClosedSignal, (s) => {
    const active = wf.rollout.active;
    if (!active || active.workflowId !== s.ticketWorkflowId) return;
    wf.rollout.tickets.push({ ...active, status: 'geschlossen' });
    wf.rollout.active = null;
  });

  // ------------------------------------------------------------------------------------------------ time
  function nextWakeAt(): Instant | null {
    const times: Instant[] = [];
    for (const t of wf.lc.openTasks) {
      if (t.templateId === 'release-pruefung') {
        if (t.key !== undefined && wf.releaseChecks[t.key]?.state === 'offen') times.push(t.dueAt);
        continue;
      }
      const r = wf.reminders[reminderKey(t)];
      if (!r) times.push(t.dueAt);
      else if (r.count < maxReminders) times.push(r.lastAt + reminderInterval);
    }
    if (wf.gate.hold) times.push(wf.gate.hold.nextCheckAt);
    if (wf.abschaltung && !wf.abschaltung.drained && wf.abschaltung.nextPollAt !== null) times.push(wf.abschaltung.nextPollAt);
    return times.length === 0 ? null : Math.min(...times);
  }

  async function tick(): Promise<void> {
    const t = now();
    const reminded: Array<{ task: OpenTask; count: number }> = [];
    let releaseChanged = false;
    for (const task of wf.lc.openTasks) {
      if (t < task.dueAt) continue;
      if (task.templateId === 'release-pruefung') {
        const entry = task.key === undefined ? undefined : wf.releaseChecks[task.key];
        if (entry?.state === 'offen') {
          entry.state = 'ueberfaellig';
          releaseChanged = true;
        }
        continue;
      }
      const k = reminderKey(task);
      const r = wf.reminders[k];
      if (r && (r.count >= maxReminders || t < r.lastAt + reminderInterval)) continue;
      const count = (r?.count ?? 0) + 1;
      wf.reminders[k] = { count, lastAt: t };
      reminded.push({ task, count });
      const notice: Notice = {
        key: `${workflowId}:erinnerung:${task.id}:${task.entry}:${task.attempt}:${count}`,
        role: task.role,
        subject: `Erinnerung: Aufgabe überfällig – ${task.title} (${input.name})`,
        text:
          `Guten Tag,\n\ndie Aufgabe „${task.title}“ für „${input.name}“ (${odId}) war am ${formatBerlin(task.dueAt)} fällig ` +
          `und ist noch offen (${count}. Erinnerung).\n\nIhre Amt24-Orchestrierung\n`,
      };
      if (task.mandant !== undefined) notice.mandantId = task.mandant;
      queue(notice);
    }
    if (reminded.length > 0 || releaseChanged) {
      const audit: AuditRecord[] = reminded.map((r) => ({
        action: 'onlinedienst.aufgabe.erinnert',
        actor: SYSTEM,
        ...(r.task.mandant !== undefined ? { mandantId: r.task.mandant } : {}),
        details: { taskId: r.task.id, attempt: r.task.attempt, erinnerung: r.count, faelligAm: new Date(r.task.dueAt).toISOString() },
      }));
      await record(audit, { reminded });
    }
    if (wf.gate.hold && t >= wf.gate.hold.nextCheckAt) await retryHold(SYSTEM);
    const a = wf.abschaltung;
    if (a && !a.drained && a.nextPollAt !== null && t >= a.nextPollAt) await pollDrain(t);
  }

  let pumping = false;
  let continuing = false;
  async function mailPump(): Promise<void> {
    for (;;) {
      // No new batch once the run is about to continue as new (at a phase boundary): the outbox travels with it.
      await condition(() => wf.outbox.length > 0 && !continuing && !phaseChangedInRun);
      pumping = true;
      const batch = wf.outbox.slice(0, 25);
      await acts.notifyLifecycle({ onlinedienstId: odId, notices: batch });
      wf.outbox.splice(0, batch.length);
      pumping = false;
    }
  }

  function view(): LifecycleView {
    const t = now();
    const c = ctx();
    const heldTask = wf.gate.hold?.taskId;
    return {
      onlinedienstId: odId,
      name: input.name,
      mandantId: input.mandantId,
      prozesseigner: input.prozesseigner,
      phase: wf.lc.phase,
      phaseNr: PHASES[wf.lc.phase].nr,
      phaseLabel: PHASES[wf.lc.phase].label,
      entry: wf.lc.entry,
      recertification: c.recertification === true,
      now: t,
      clock,
      context: {
        mandanten: c.mandanten,
        aktivierteMandanten: c.aktivierteMandanten ?? [],
        featureTags: c.featureTags ?? [],
        ...(c.leistungId !== undefined ? { leistungId: c.leistungId } : {}),
        ...(c.prozess ? { prozess: c.prozess } : {}),
        ...(c.formular ? { formular: c.formular } : {}),
        ...(c.zertifizierungsReferenz !== undefined ? { zertifizierungsReferenz: c.zertifizierungsReferenz } : {}),
      },
      openTasks: wf.lc.openTasks.map((o) => ({
        id: o.id,
        title: o.title,
        role: o.role,
        ...(o.mandant !== undefined ? { mandant: o.mandant } : {}),
        phase: o.phase,
        entry: o.entry,
        attempt: o.attempt,
        blocking: o.blocking,
        openedAt: o.openedAt,
        dueAt: o.dueAt,
        overdue: t > o.dueAt,
        reminders: wf.reminders[reminderKey(o)]?.count ?? 0,
        ...(o.payload !== undefined ? { payload: o.payload } : {}),
        ...(heldTask === o.id ? { heldByGate: true } : {}),
      })),
      deadlines: wf.lc.deadlines,
      history: wf.lc.history,
      completedTasks: wf.lc.completedTasks.map((d) => ({
        id: d.id, phase: d.phase, attempt: d.attempt, completedBy: d.completedBy, completedAt: d.completedAt, late: d.late, reopened: d.reopened,
      })),
      gate: { last: wf.gate.last, hold: wf.gate.hold ? { gate: wf.gate.hold.gate, taskId: wf.gate.hold.taskId, since: wf.gate.hold.since } : null },
      rollout: wf.rollout,
      releaseChecks: Object.values(wf.releaseChecks),
      mandantenStatus: wf.mandanten,
      abschaltung: wf.abschaltung,
      ended: wf.lc.ended,
      endedAt: wf.lc.endedAt,
    };
  }

  // ------------------------------------------------------------------------------------------------ run
  if (!input.carried) {
    await exclusive(async () => {
      await record(
        [
          {
            action: 'onlinedienst.lebenszyklus.gestartet',
            actor: input.startedBy,
            mandantId: input.mandantId,
            details: { phase: wf.lc.phase, grund: wf.lc.history[0]?.reason ?? '', bestand: input.bestand !== undefined },
          },
        ],
        { opened: wf.lc.openTasks },
      );
      queue(...wf.lc.openTasks.filter((o) => !QUIET_TASKS.has(o.templateId)).map(taskNotice));
    });
  }
  void mailPump();

  const continueAsNew = makeContinueAsNewFunc<typeof onlinedienstLifecycleWorkflow>({ typedSearchAttributes: workflowInfo().typedSearchAttributes });
  const finished = () => wf.lc.ended && (wf.abschaltung === null || wf.abschaltung.drained);

  for (;;) {
    if (finished()) break;
    if (phaseChangedInRun || workflowInfo().continueAsNewSuggested) {
      // Phase boundaries are natural cut points: the new run starts with a short history and the full state.
      await condition(() => !busy && allHandlersFinished());
      // Let a mail batch in flight finish (briefly: unsent notices travel in the carried outbox anyway).
      continuing = true;
      if (pumping) await condition(() => !pumping, 5_000);
      // An Update accepted while the mail batch finished must complete in this run: a run that continues as new under
      // an accepted Update fails it after its handler may already have committed (the API then sees a 409).
      await condition(() => !busy && allHandlersFinished());
      if (!finished()) {
        await continueAsNew({ ...input, carried: pruneForCarry(wf) });
      }
      break;
    }
    const seen = changes;
    const t = now();
    const wake = nextWakeAt();
    if (wake !== null && wake <= t) {
      await exclusive(tick);
      // Guard against a wake-up time that tick() does not consume: never spin.
      if (changes === seen && nextWakeAt() === wake) await sleep(1000);
      continue;
    }
    if (wake !== null) arm(wake);
    await condition(() => alarmRang || changes !== seen || phaseChangedInRun || finished() || workflowInfo().continueAsNewSuggested);
    alarmRang = false;
  }

  await exclusive(async () => {
    const a = wf.abschaltung;
    if (a && !a.retentionApplied) {
      const retention = wf.lc.completedTasks.find((d) => d.templateId === 'datenaufbewahrung');
      const loeschkonzept = (retention?.fields.loeschkonzept as string | undefined) ?? null;
      await acts.applyRetention({ workflowId, onlinedienstId: odId, actor: retention?.completedBy ?? SYSTEM, loeschkonzept, key: `${workflowId}:aufbewahrung` });
      a.retentionApplied = true;
      await record([{ action: 'onlinedienst.beendet', actor: SYSTEM, details: { am: new Date(now()).toISOString() } }]);
    }
  });
  await condition(() => wf.outbox.length === 0 && allHandlersFinished());
  return { onlinedienstId: odId, endedAt: wf.lc.endedAt ?? now(), history: wf.lc.history };
}

function initialState(input: LifecycleInput, clock: CarriedLifecycle['clock'], now: Instant): CarriedLifecycle {
  const context: LifecycleContext = {
    onlinedienstId: input.onlinedienstId,
    name: input.name,
    mandanten: input.mandanten ?? [],
    featureTags: input.featureTags ?? [],
    ...(input.leistungId !== undefined ? { leistungId: input.leistungId } : {}),
    ...(input.settings?.deadlines ? { deadlines: input.settings.deadlines } : {}),
  };
  let lc: LifecycleState;
  if (input.bestand) {
    lc = lifecycleInBetrieb(
      {
        ...context,
        prozess: input.bestand.prozess,
        formular: input.bestand.formular,
        zertifizierungsReferenz: input.bestand.zertifizierungsReferenz,
        aktivierteMandanten: input.bestand.aktivierteMandanten,
      },
      input.startedBy,
      now,
    );
  } else {
    lc = createLifecycle(context, input.startedBy, now);
  }
  return {
    lc,
    seq: 0,
    clock,
    counters: { events: 0, rollouts: 0 },
    reminders: {},
    gate: { last: null, hold: null },
    rollout: { active: null, tickets: [] },
    releaseChecks: {},
    mandanten: {},
    abschaltung: null,
    outbox: [],
  };
}

/** Reminder bookkeeping of tasks that are no longer open is not needed in the next run. */
function pruneForCarry(wf: CarriedLifecycle): CarriedLifecycle {
  const open = new Set(wf.lc.openTasks.map((t) => `${t.id}#${t.entry}#${t.attempt}`));
  return { ...wf, reminders: Object.fromEntries(Object.entries(wf.reminders).filter(([k]) => open.has(k))) };
}

