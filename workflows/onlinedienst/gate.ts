// The gate check before the test and before go-live: a completion that enters a gated phase runs the check against
// the Mandant master data first. A failing check holds the completion (the phase stays), tells those who must fix
// the data, and is re-run daily and on request until it passes; then the held completion is applied.
import type { AuditRecord } from '../../activities/onlinedienst/projection';
import { gateFailureNotices } from '../../domain/onlinedienst/notices';
import { buildGateReport, gateBefore, type GateId, type GateReport } from '../../domain/onlinedienst/gate-report';
import type { Actor } from '../../domain/onlinedienst/task-catalog';
import { completeTask } from '../../domain/onlinedienst/tasks';
import type { Instant } from '../../domain/working-days';
import type { TaskUpdateResult } from '../../messages/onlinedienst';
import { refusal } from '../../messages/refusal';
import { acts } from '../shared/activities';
import { commit } from './commit';
import type { LifecycleRun } from './state';
import { zertifiziererBindet, zertifizierungBeimEintritt } from './zertifizierung';

async function runGate(run: LifecycleRun, gate: GateId, at: Instant): Promise<GateReport> {
  const loaded = await acts.loadGateData({ onlinedienstId: run.odId });
  const mandanten = gate === 'vor-go-live' ? run.ctx().mandanten : [];
  const report = buildGateReport(gate, loaded.activations, loaded.data, mandanten, at);
  run.wf.gate.last = report;
  return report;
}

const gateSummary = (report: GateReport) => ({
  gate: report.gate,
  passed: report.passed,
  failures: [
    ...report.failures.map((f) => ({ code: f.code, mandantId: f.mandantId ?? null })),
    ...report.activations.flatMap((a) => a.failures.map((f) => ({ code: f.code, mandantId: a.mandantId }))),
  ],
});

/** Completes a task; a completion that enters a gated phase runs the gate check first and is held if it fails. */
export async function completeWithGate(
  run: LifecycleRun,
  taskId: string,
  actor: Actor,
  fields: unknown,
): Promise<TaskUpdateResult> {
  const { wf } = run;
  const t = run.now();
  const r = completeTask(wf.lc, taskId, actor, fields, t);
  if (!r.ok) throw refusal(r.error);
  if (r.completed.templateId === 'zertifizierung') await zertifiziererBindet(run, actor, r.completed.fields);
  const gate = r.transitions.map((tr) => gateBefore(tr.to)).find((g): g is GateId => g !== null) ?? null;
  let extraAudit: AuditRecord[] = [];
  if (gate !== null) {
    const report = await runGate(run, gate, t);
    if (!report.passed) {
      wf.gate.hold = {
        gate,
        taskId,
        actor,
        fields: r.completed.fields,
        since: t,
        nextCheckAt: t + run.gateRecheckInterval,
      };
      await run.record([
        { action: 'onlinedienst.gate.nicht-bestanden', actor: actor.id, details: { taskId, ...gateSummary(report) } },
      ]);
      run.queue(...gateFailureNotices(run.notices, report, wf.seq));
      return { status: 'gehalten', phase: wf.lc.phase, transitions: [], opened: [], gate: report };
    }
    extraAudit = [{ action: 'onlinedienst.gate.bestanden', actor: actor.id, details: gateSummary(report) }];
  }
  if (wf.gate.hold?.taskId === taskId) wf.gate.hold = null;
  await commit(run, r, actor.id, {
    action: 'onlinedienst.aufgabe.erledigt',
    details: {
      taskId,
      attempt: r.completed.attempt,
      phase: r.completed.phase,
      verspaetet: r.completed.late,
      felder: r.completed.fields,
    },
    completed: r.completed,
    actor,
    extraAudit,
    ...(r.completed.mandant !== undefined ? { mandantId: r.completed.mandant } : {}),
  });
  if (r.transitions.some((tr) => tr.to === 'zertifizierung')) await zertifizierungBeimEintritt(run, completeWithGate);
  return {
    status: 'erledigt',
    phase: wf.lc.phase,
    transitions: r.transitions,
    opened: r.opened.map((o) => o.id),
    ...(gate !== null && wf.gate.last ? { gate: wf.gate.last } : {}),
  };
}

/** Runs the held gate check again; passed: the held completion is applied now. null: nothing is held. */
export async function retryHold(run: LifecycleRun, actorId: string): Promise<TaskUpdateResult | null> {
  const { wf } = run;
  const hold = wf.gate.hold;
  if (!hold) return null;
  const t = run.now();
  const report = await runGate(run, hold.gate, t);
  if (!report.passed) {
    hold.nextCheckAt = t + run.gateRecheckInterval;
    await run.record([
      {
        action: 'onlinedienst.gate.nicht-bestanden',
        actor: actorId,
        details: { taskId: hold.taskId, ...gateSummary(report) },
      },
    ]);
    // Each failed re-check tells those who must fix the data again: the daily re-check doubles as a reminder.
    run.queue(...gateFailureNotices(run.notices, report, wf.seq));
    return { status: 'gehalten', phase: wf.lc.phase, transitions: [], opened: [], gate: report };
  }
  wf.gate.hold = null;
  const r = completeTask(wf.lc, hold.taskId, hold.actor, hold.fields, t);
  if (!r.ok) {
    // The held completion no longer fits (the phase moved on meanwhile); the gate result stands on its own.
    await run.record([
      {
        action: 'onlinedienst.gate.bestanden',
        actor: actorId,
        details: { ...gateSummary(report), verworfen: r.error.message },
      },
    ]);
    return { status: 'erledigt', phase: wf.lc.phase, transitions: [], opened: [], gate: report };
  }
  await commit(run, r, hold.actor.id, {
    action: 'onlinedienst.aufgabe.erledigt',
    details: {
      taskId: hold.taskId,
      attempt: r.completed.attempt,
      phase: r.completed.phase,
      nachGatePruefung: true,
      felder: r.completed.fields,
    },
    completed: r.completed,
    actor: hold.actor,
    extraAudit: [{ action: 'onlinedienst.gate.bestanden', actor: actorId, details: gateSummary(report) }],
  });
  return {
    status: 'erledigt',
    phase: wf.lc.phase,
    transitions: r.transitions,
    opened: r.opened.map((o) => o.id),
    gate: report,
  };
}
