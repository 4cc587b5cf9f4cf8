// The live state of the run as the query answers it (GET /api/onlinedienste/{id}); lists come from PostgreSQL.
import { PHASES } from '../../domain/onlinedienst/phases';
import type { LifecycleView } from '../../messages/onlinedienst';
import { reminderKey, type LifecycleRun } from './state';

export function lifecycleView(run: LifecycleRun): LifecycleView {
  const { wf, input } = run;
  const t = run.now();
  const c = run.ctx();
  const hold = wf.gate.hold;
  return {
    onlinedienstId: run.odId,
    name: input.name,
    mandantId: input.mandantId,
    prozesseigner: input.prozesseigner,
    phase: wf.lc.phase,
    phaseNr: PHASES[wf.lc.phase].nr,
    phaseLabel: PHASES[wf.lc.phase].label,
    entry: wf.lc.entry,
    recertification: c.recertification === true,
    now: t,
    clock: run.clock,
    context: {
      mandanten: c.mandanten,
      aktivierteMandanten: c.aktivierteMandanten ?? [],
      featureTags: c.featureTags ?? [],
      ...(c.leistungId !== undefined ? { leistungId: c.leistungId } : {}),
      ...(c.prozess ? { prozess: c.prozess } : {}),
      ...(c.formular ? { formular: c.formular } : {}),
      ...(c.zertifizierungsReferenz !== undefined ? { zertifizierungsReferenz: c.zertifizierungsReferenz } : {}),
      ...(c.aenderung ? { aenderung: c.aenderung } : {}),
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
      ...(hold?.taskId === o.id ? { heldByGate: true } : {}),
    })),
    deadlines: wf.lc.deadlines,
    history: wf.lc.history,
    completedTasks: wf.lc.completedTasks.map((d) => ({
      id: d.id,
      phase: d.phase,
      attempt: d.attempt,
      completedBy: d.completedBy,
      completedAt: d.completedAt,
      late: d.late,
      reopened: d.reopened,
    })),
    gate: { last: wf.gate.last, hold: hold ? { gate: hold.gate, taskId: hold.taskId, since: hold.since } : null },
    rollout: wf.rollout,
    releaseChecks: Object.values(wf.releaseChecks),
    mandantenStatus: wf.mandanten,
    abschaltung: wf.abschaltung,
    ended: wf.lc.ended,
    endedAt: wf.lc.endedAt,
  };
}
