// Time in the rollout ticket: the SLA warning before the breach, the escalation on it, and reminders to whoever the
// ticket waits for (up to maxReminders, every reminderInterval).
import type { AuditRecord } from '../../activities/onlinedienst/projection';
import { escalationNotices, lateParties, reminderNotice, slaWarningNotice } from '../../domain/rollout/notices';
import type { SlaClock } from '../../domain/rollout/sla';
import type { Instant } from '../../domain/working-days';
import type { RolloutRun } from './state';

// A paused clock can still be past its warning or breach: what counts is the time used, not the current state.
const shouldWarn = (run: RolloutRun, c: SlaClock) =>
  c.warningReached && !c.breached && !run.st.warned && c.state !== 'stopped';
const shouldEscalate = (run: RolloutRun, c: SlaClock) => c.breached && !run.st.escalated && c.state !== 'stopped';

export function nextWakeAt(run: RolloutRun): Instant | null {
  const clockNow = run.sla();
  const times: Instant[] = [];
  if (clockNow.running && clockNow.nextWakeAt !== null) times.push(clockNow.nextWakeAt);
  if (shouldWarn(run, clockNow) || shouldEscalate(run, clockNow)) times.push(run.now());
  for (const p of lateParties(run.st.ticket, clockNow)) {
    const r = run.st.reminders[p.key];
    if (!r) times.push(p.since + run.reminderInterval);
    else if (r.count < run.maxReminders) times.push(r.lastAt + run.reminderInterval);
  }
  return times.length === 0 ? null : Math.min(...times);
}

/** Acts on every deadline that is due now. */
export async function tick(run: RolloutRun): Promise<void> {
  const { st } = run;
  const t = run.now();
  const clockNow = run.sla();
  const iso = (at: Instant | null) => (at === null ? null : new Date(at).toISOString());
  const audit: AuditRecord[] = [];
  if (shouldWarn(run, clockNow)) {
    st.warned = true;
    audit.push({ action: 'rollout.sla.warnung', actor: 'system', details: { verletzungAm: iso(clockNow.breachAt) } });
    st.outbox.push(slaWarningNotice(run.notices(), clockNow.breachAt));
  }
  if (shouldEscalate(run, clockNow)) {
    st.escalated = true;
    st.warned = true;
    audit.push({ action: 'rollout.sla.eskaliert', actor: 'system', details: { verletztAm: iso(clockNow.breachAt) } });
    st.outbox.push(...escalationNotices(run.notices(), clockNow.breachAt));
  }
  for (const p of lateParties(st.ticket, clockNow)) {
    const r = st.reminders[p.key];
    const due = r ? r.lastAt + run.reminderInterval : p.since + run.reminderInterval;
    if ((r && r.count >= run.maxReminders) || t < due) continue;
    const count = (r?.count ?? 0) + 1;
    st.reminders[p.key] = { count, lastAt: t };
    audit.push({ action: 'rollout.erinnerung', actor: 'system', details: { an: p.role, erinnerung: count } });
    st.outbox.push(reminderNotice(run.notices(), p, count));
  }
  if (audit.length > 0) await run.record(audit);
}
