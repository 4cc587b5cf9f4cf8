// Time in the lifecycle: the next deadline it acts on, and what it does when one is due — remind the role of an
// overdue task (up to maxReminders, every reminderInterval), mark a release re-check late, re-run a held gate
// check, count the Anträge that run out after the shutdown decision.
import type { AuditRecord } from '../../activities/onlinedienst/projection';
import { reminderNotice } from '../../domain/onlinedienst/notices';
import type { OpenTask } from '../../domain/onlinedienst/tasks';
import type { Instant } from '../../domain/working-days';
import { pollDrain } from './abschaltung';
import { retryHold } from './gate';
import { reminderKey, SYSTEM, type LifecycleRun } from './state';

export function nextWakeAt(run: LifecycleRun): Instant | null {
  const { wf } = run;
  const times: Instant[] = [];
  for (const t of wf.lc.openTasks) {
    if (t.templateId === 'release-pruefung') {
      if (t.key !== undefined && wf.releaseChecks[t.key]?.state === 'offen') times.push(t.dueAt);
      continue;
    }
    const r = wf.reminders[reminderKey(t)];
    if (!r) times.push(t.dueAt);
    else if (r.count < run.maxReminders) times.push(r.lastAt + run.reminderInterval);
  }
  if (wf.gate.hold) times.push(wf.gate.hold.nextCheckAt);
  if (wf.abschaltung && !wf.abschaltung.drained && wf.abschaltung.nextPollAt !== null) {
    times.push(wf.abschaltung.nextPollAt);
  }
  return times.length === 0 ? null : Math.min(...times);
}

/** Acts on every deadline that is due now. */
export async function tick(run: LifecycleRun): Promise<void> {
  const { wf } = run;
  const t = run.now();
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
    if (r && (r.count >= run.maxReminders || t < r.lastAt + run.reminderInterval)) continue;
    const count = (r?.count ?? 0) + 1;
    wf.reminders[k] = { count, lastAt: t };
    reminded.push({ task, count });
    run.queue(reminderNotice(run.notices, task, count));
  }
  if (reminded.length > 0 || releaseChanged) {
    const audit: AuditRecord[] = reminded.map((r) => ({
      action: 'onlinedienst.aufgabe.erinnert',
      actor: SYSTEM,
      ...(r.task.mandant !== undefined ? { mandantId: r.task.mandant } : {}),
      details: {
        taskId: r.task.id,
        attempt: r.task.attempt,
        erinnerung: r.count,
        faelligAm: new Date(r.task.dueAt).toISOString(),
      },
    }));
    await run.record(audit, { reminded });
  }
  if (wf.gate.hold && t >= wf.gate.hold.nextCheckAt) await retryHold(run, SYSTEM);
  const a = wf.abschaltung;
  if (a && !a.drained && a.nextPollAt !== null && t >= a.nextPollAt) await pollDrain(run, t);
}
