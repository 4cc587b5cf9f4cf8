// The rollout ticket: the Prozesseigner's request to the Anwendungsbetreuung to transfer the certified process to
// the Produktivsystem. requested → in progress (assigned) → waiting for the requester (clock paused) → transferred
// → confirmed. The SLA clock is computed from the ticket's own events (kept in this workflow's history), counts
// Saxon working days, warns before the breach, escalates on it by mail, and reminds whoever the ticket waits for.
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  log,
  makeContinueAsNewFunc,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { acts, local } from './lifecycle-activities';
import type { AuditRecord } from '../activities/onlinedienst/projection';
import { domainNow, realDelayMs, resolveClock } from '../domain/clock';
import { refusal } from '../messages/refusal';
import { applyRolloutCommand, requestRollout, rolloutSla, ROLLOUT_STATUS_LABELS, type RolloutCommand, type RolloutTicket } from '../domain/rollout/ticket';
import type { SlaClock, SlaPolicy } from '../domain/rollout/sla';
import { formatBerlin, type Instant } from '../domain/working-days';
import { rolloutClosedSignal, rolloutTransferredSignal, type Notice } from '../messages/onlinedienst';
import { rolloutCommandUpdate, rolloutStateQuery, type CarriedRollout, type RolloutTicketInput, type RolloutView } from '../messages/rollout';

export const DEFAULT_ROLLOUT_SLA: SlaPolicy = { target: { amount: 5, unit: 'working-days' }, warnAtRatio: 0.8 };
const DAY = 86_400_000;

export async function rolloutTicketWorkflow(input: RolloutTicketInput): Promise<RolloutTicket> {
  const workflowId = workflowInfo().workflowId;
  const settings = input.settings ?? {};
  const policy = settings.sla ?? DEFAULT_ROLLOUT_SLA;
  const reminderInterval = settings.reminderIntervalMs ?? DAY;
  const maxReminders = settings.maxReminders ?? 10;
  const clock = input.carried?.clock ?? resolveClock(settings.clock, Date.now());
  const now = () => domainNow(clock, Date.now());

  let st: CarriedRollout;
  if (input.carried) {
    st = input.carried;
  } else {
    const requested = requestRollout(input.request, input.requestedBy, now());
    if (!requested.ok) throw ApplicationFailure.nonRetryable(requested.error.message, 'RolloutRequestInvalid', requested.error);
    st = { ticket: requested.ticket, seq: 0, clock, warned: false, escalated: false, parentTold: false, reminders: {}, outbox: [] };
  }
  const odId = st.ticket.onlinedienstId ?? '';
  let busy = false;

  async function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (busy) await condition(() => !busy);
    busy = true;
    try {
      return await fn();
    } finally {
      busy = false;
    }
  }

  const sla = (): SlaClock => rolloutSla(st.ticket, policy, now());
  const title = () => `Ticket ${st.ticket.ticketId}: ${st.ticket.prozess.name} ${st.ticket.prozess.version} (${input.onlinedienstName})`;

  function view(): RolloutView {
    return { workflowId, ticket: st.ticket, sla: sla(), now: now(), clock, warned: st.warned, escalated: st.escalated };
  }

  async function record(audit: AuditRecord[]): Promise<void> {
    st.seq += 1;
    const clockNow = sla();
    const t = st.ticket;
    await local.recordRolloutTicket({
      workflowId,
      seq: st.seq,
      audit,
      ticket: {
        onlinedienstId: odId,
        ticketId: t.ticketId,
        mandantId: t.mandantId,
        prozess: t.prozess,
        formular: t.formular,
        zertifizierungsReferenz: t.zertifizierungsReferenz,
        status: t.status,
        assignee: t.assignee,
        requestedBy: t.requestedBy,
        requestedAt: t.requestedAt,
      },
      sla: { state: clockNow.state, elapsedMs: clockNow.elapsedMs, breachAt: clockNow.breachAt },
    });
  }

  function notice(key: string, role: Notice['role'], subject: string, body: string): Notice {
    return { key: `${workflowId}:${key}`, role, subject, text: `Guten Tag,\n\n${body}\n\nIhre Amt24-Orchestrierung\n` };
  }

  function noticesFor(command: RolloutCommand, actorId: string): Notice[] {
    const t = st.ticket;
    switch (command.type) {
      case 'assign':
        return [notice(`assign:${st.seq}`, 'awb', `Zugewiesen: ${title()}`, `${title()} ist ${command.assigneeId} zugewiesen.`)];
      case 'ask-requester':
        return [
          notice(`frage:${st.seq}`, 'prozesseigner', `Rückfrage zu ${title()}`,
            `die Anwendungsbetreuung fragt (${actorId}):\n\n  ${command.question}\n\nBis zu Ihrer Antwort ist die Frist angehalten.`),
        ];
      case 'answer':
        return [notice(`antwort:${st.seq}`, 'awb', `Antwort zu ${title()}`, `der Prozesseigner antwortet:\n\n  ${command.answer}\n\nDie Frist läuft weiter.`)];
      case 'mark-transferred':
        return [
          notice(`uebernommen:${st.seq}`, 'prozesseigner', `Übernommen: ${title()}`,
            `${t.prozess.name} ${command.produktivVersion} ist auf dem Produktivsystem. Bitte bestätigen Sie die Übernahme im Ticket.`),
        ];
      case 'confirm':
        return [notice(`bestaetigt:${st.seq}`, 'awb', `Bestätigt: ${title()}`, `der Prozesseigner hat die Übernahme bestätigt. Das Ticket ist geschlossen.`)];
    }
  }

  async function tellParent(): Promise<void> {
    if (!input.parentWorkflowId || st.parentTold || st.ticket.produktivVersion === null) return;
    st.parentTold = true;
    try {
      await getExternalWorkflowHandle(input.parentWorkflowId).signal(rolloutTransferredSignal, {
        ticketWorkflowId: workflowId,
        ticketId: st.ticket.ticketId,
        produktivVersion: st.ticket.produktivVersion,
        by: st.ticket.assignee ?? 'awb',
      });
    } catch (err) {
      log.warn('lifecycle workflow not reachable', { error: (err as Error).message });
    }
  }

  setHandler(rolloutStateQuery, () => view());

  setHandler(
    rolloutCommandUpdate,
    (req) =>
      exclusive(async () => {
        const result = applyRolloutCommand(st.ticket, req.command, req.actor, now());
        if (!result.ok) throw refusal(result.error);
        const command = req.command as RolloutCommand;
        const before = st.ticket.status;
        st.ticket = result.ticket;
        const entry = result.ticket.log.at(-1)!;
        await record([
          {
            action: `rollout.${command.type}`,
            actor: req.actor.id,
            details: { von: before, nach: result.ticket.status, text: entry.text ?? null, am: new Date(entry.at).toISOString() },
          },
        ]);
        st.outbox.push(...noticesFor(command, req.actor.id));
        if (command.type === 'mark-transferred') await tellParent();
        return view();
      }),
    {
      validator: (req) => {
        const result = applyRolloutCommand(st.ticket, req.command, req.actor, now());
        if (!result.ok) throw refusal(result.error);
      },
    },
  );

  /** Who the ticket waits for, since when: the AWB after a breach, the requester for an answer or the confirmation. */
  function lateParties(clockNow: SlaClock): Array<{ key: string; since: Instant; role: Notice['role']; what: string }> {
    const t = st.ticket;
    const out: Array<{ key: string; since: Instant; role: Notice['role']; what: string }> = [];
    if ((t.status === 'requested' || t.status === 'in_progress') && clockNow.breached && clockNow.breachAt !== null) {
      out.push({ key: `awb:${clockNow.breachAt}`, since: clockNow.breachAt, role: 'awb', what: 'Die Übernahme ist über der Frist und noch nicht erledigt.' });
    }
    if (t.status === 'waiting_for_requester' && clockNow.pausedSince !== null) {
      out.push({ key: `antwort:${clockNow.pausedSince}`, since: clockNow.pausedSince, role: 'prozesseigner', what: `Die Rückfrage „${t.openQuestion ?? ''}“ ist noch unbeantwortet.` });
    }
    if (t.status === 'transferred' && t.transferredAt !== null) {
      out.push({ key: 'bestaetigung', since: t.transferredAt, role: 'prozesseigner', what: 'Die Übernahme ist noch nicht bestätigt.' });
    }
    return out;
  }

  // A paused clock can still be past its warning or breach: what counts is the time used, not the current state.
  const shouldWarn = (c: SlaClock) => c.warningReached && !c.breached && !st.warned && c.state !== 'stopped';
  const shouldEscalate = (c: SlaClock) => c.breached && !st.escalated && c.state !== 'stopped';

  function nextWakeAt(): Instant | null {
    const clockNow = sla();
    const times: Instant[] = [];
    if (clockNow.running && clockNow.nextWakeAt !== null) times.push(clockNow.nextWakeAt);
    if (shouldWarn(clockNow) || shouldEscalate(clockNow)) times.push(now());
    for (const p of lateParties(clockNow)) {
      const r = st.reminders[p.key];
      if (!r) times.push(p.since + reminderInterval);
      else if (r.count < maxReminders) times.push(r.lastAt + reminderInterval);
    }
    return times.length === 0 ? null : Math.min(...times);
  }

  async function tick(): Promise<void> {
    const t = now();
    const clockNow = sla();
    const audit: AuditRecord[] = [];
    if (shouldWarn(clockNow)) {
      st.warned = true;
      audit.push({ action: 'rollout.sla.warnung', actor: 'system', details: { verletzungAm: clockNow.breachAt === null ? null : new Date(clockNow.breachAt).toISOString() } });
      st.outbox.push(
        notice('sla-warnung', 'awb', `SLA-Warnung: ${title()}`,
          `${title()} ist ${ROLLOUT_STATUS_LABELS[st.ticket.status]}. Die Frist (${policy.target.amount} Arbeitstage) ist am ` +
            `${clockNow.breachAt === null ? '?' : formatBerlin(clockNow.breachAt)} überschritten.`),
      );
    }
    if (shouldEscalate(clockNow)) {
      st.escalated = true;
      st.warned = true;
      audit.push({ action: 'rollout.sla.eskaliert', actor: 'system', details: { verletztAm: clockNow.breachAt === null ? null : new Date(clockNow.breachAt).toISOString() } });
      const body =
        `${title()} hat die Frist von ${policy.target.amount} Arbeitstagen am ${clockNow.breachAt === null ? '?' : formatBerlin(clockNow.breachAt)} ` +
        `überschritten (Status: ${ROLLOUT_STATUS_LABELS[st.ticket.status]}, zugewiesen: ${st.ticket.assignee ?? 'niemandem'}).`;
      st.outbox.push(
        notice('eskalation:awb', 'awb', `Eskalation: SLA überschritten – ${title()}`, body),
        notice('eskalation:pl', 'projektleitung', `Eskalation: SLA überschritten – ${title()}`, body),
        notice('eskalation:pe', 'prozesseigner', `Eskalation: SLA überschritten – ${title()}`, body),
      );
    }
    for (const p of lateParties(clockNow)) {
      const r = st.reminders[p.key];
      const due = r ? r.lastAt + reminderInterval : p.since + reminderInterval;
      if ((r && r.count >= maxReminders) || t < due) continue;
      const count = (r?.count ?? 0) + 1;
      st.reminders[p.key] = { count, lastAt: t };
      audit.push({ action: 'rollout.erinnerung', actor: 'system', details: { an: p.role, erinnerung: count } });
      st.outbox.push(notice(`erinnerung:${p.key}:${count}`, p.role, `Erinnerung: ${title()}`, `${p.what} (${count}. Erinnerung)`));
    }
    if (audit.length > 0) await record(audit);
  }

  async function mailPump(): Promise<void> {
    for (;;) {
      await condition(() => st.outbox.length > 0);
      const batch = st.outbox.slice(0, 25);
      await acts.notifyRollout({ onlinedienstId: odId, notices: batch });
      st.outbox.splice(0, batch.length);
    }
  }

  if (!input.carried) {
    await exclusive(async () => {
      const clockNow = sla();
      await record([
        {
          action: 'rollout.beantragt',
          actor: st.ticket.requestedBy,
          details: {
            prozess: st.ticket.prozess,
            formular: st.ticket.formular,
            zertifizierungsReferenz: st.ticket.zertifizierungsReferenz,
            fristEnde: clockNow.breachAt === null ? null : new Date(clockNow.breachAt).toISOString(),
          },
        },
      ]);
      st.outbox.push(
        notice('neu', 'awb', `Neues Ticket: Übernahme auf das Produktivsystem – ${title()}`,
          `bitte übernehmen Sie ${st.ticket.prozess.name} ${st.ticket.prozess.version} mit Formular ${st.ticket.formular.name} ` +
            `${st.ticket.formular.version} (Zertifikat ${st.ticket.zertifizierungsReferenz}) für Mandant ${st.ticket.mandantId} auf das Produktivsystem.\n` +
            `Frist: ${policy.target.amount} Arbeitstage, bis ${clockNow.breachAt === null ? '?' : formatBerlin(clockNow.breachAt)}.`),
      );
    });
  }
  void mailPump();
  await tellParent();

  const continueAsNew = makeContinueAsNewFunc<typeof rolloutTicketWorkflow>();
  for (;;) {
    if (st.ticket.status === 'confirmed') break;
    if (workflowInfo().continueAsNewSuggested) {
      await condition(() => !busy && allHandlersFinished());
      await continueAsNew({ ...input, carried: st });
    }
    const seen = st.seq;
    const t = now();
    const wake = nextWakeAt();
    if (wake !== null && wake <= t) {
      await exclusive(tick);
      // Guard against a wake-up time that tick() does not consume: never spin.
      if (st.seq === seen) await condition(() => st.seq !== seen, 1000);
      continue;
    }
    const woken = () => st.seq !== seen || st.ticket.status === 'confirmed' || workflowInfo().continueAsNewSuggested;
    if (wake === null) await condition(woken);
    else await condition(woken, realDelayMs(clock, t, wake));
  }

  await condition(() => st.outbox.length === 0 && allHandlersFinished());
  if (input.parentWorkflowId) {
    try {
      await getExternalWorkflowHandle(input.parentWorkflowId).signal(rolloutClosedSignal, { ticketWorkflowId: workflowId });
    } catch (err) {
      log.warn('lifecycle workflow not reachable', { error: (err as Error).message });
    }
  }
  return st.ticket;
}
