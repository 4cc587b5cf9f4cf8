// Abschaltung: once decided, no new Anträge (Wartungsmodus everywhere), the Mandanten are told, open Anträge are
// handed over or run out (counted until none is left), and at the very end the retention rules are applied.
import { abschaltungNotices, uebergabeNotice } from '../../domain/onlinedienst/notices';
import type { Instant } from '../../domain/working-days';
import { acts } from '../shared/activities';
import { SYSTEM, type LifecycleRun } from './state';

/** Entered the phase Abschaltung (the decision came with the shutdown Update). */
export async function startAbschaltung(run: LifecycleRun, actorId: string, t: Instant): Promise<void> {
  const { wf, workflowId, odId } = run;
  const decision = run.shutdownDecision ?? { begruendung: 'Abschaltung beschlossen', antraege: 'auslaufen' as const };
  run.shutdownDecision = null;
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
  const aktiviert = run.ctx().aktivierteMandanten ?? [];
  if (aktiviert.length > 0) {
    await acts.setAktivierung({
      workflowId,
      onlinedienstId: odId,
      mandantId: '*',
      wartungsmodus: true,
      actor: actorId,
      key: `${workflowId}:${wf.seq}:abschaltung-wartungsmodus`,
      reason: 'Abschaltung beschlossen: keine neuen Anträge mehr',
    });
  }
  run.queue(...abschaltungNotices(run.notices, decision, aktiviert));
  if (decision.antraege === 'uebergeben') {
    const byMandant = await acts.handOverAntraege({
      workflowId,
      onlinedienstId: odId,
      an: decision.uebergabeAn ?? '',
      actor: actorId,
      key: `${workflowId}:${wf.seq}:uebergabe`,
    });
    for (const [m, list] of Object.entries(byMandant)) {
      run.queue(uebergabeNotice(run.notices, m, decision.uebergabeAn, list));
    }
    wf.abschaltung.offeneAntraege = 0;
    wf.abschaltung.drained = true;
  } else {
    await pollDrain(run, t);
  }
}

/** Counts the open Anträge that run out; none left: the Abschaltung may end. */
export async function pollDrain(run: LifecycleRun, t: Instant): Promise<void> {
  const a = run.wf.abschaltung;
  if (!a || a.drained) return;
  const open = await acts.countOpenAntraege({ onlinedienstId: run.odId });
  a.offeneAntraege = open;
  if (open === 0) {
    a.drained = true;
    a.nextPollAt = null;
    await run.record([
      { action: 'onlinedienst.antraege.ausgelaufen', actor: SYSTEM, details: { am: new Date(t).toISOString() } },
    ]);
  } else {
    a.nextPollAt = t + run.drainInterval;
  }
}

/** The end of the lifecycle: the retention rules of the Datenaufbewahrung task are applied once. */
export async function applyRetention(run: LifecycleRun): Promise<void> {
  const { wf, workflowId, odId } = run;
  const a = wf.abschaltung;
  if (!a || a.retentionApplied) return;
  const retention = wf.lc.completedTasks.find((d) => d.templateId === 'datenaufbewahrung');
  const loeschkonzept = (retention?.fields.loeschkonzept as string | undefined) ?? null;
  await acts.applyRetention({
    workflowId,
    onlinedienstId: odId,
    actor: retention?.completedBy ?? SYSTEM,
    loeschkonzept,
    key: `${workflowId}:aufbewahrung`,
  });
  a.retentionApplied = true;
  await run.record([
    { action: 'onlinedienst.beendet', actor: SYSTEM, details: { am: new Date(run.now()).toISOString() } },
  ]);
}
