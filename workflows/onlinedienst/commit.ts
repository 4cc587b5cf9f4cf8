// Applying a state change of the pure state machine: record it (audit, projection, release-check rows), tell the
// roles of the tasks it opened, and carry out what a completed task sets off outside the workflow — the rollout
// ticket, a Mandant's activation and Wartungsmodus, the Abschaltung.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import type { AuditRecord, ReleaseCheckRow } from '../../activities/onlinedienst/projection';
import { taskOpenedNotices } from '../../domain/onlinedienst/notices';
import type { Actor } from '../../domain/onlinedienst/task-catalog';
import type { CompletedTask, StateChange } from '../../domain/onlinedienst/tasks';
import { reportFromReleasePruefung } from '../../domain/release/campaign';
import type { Instant } from '../../domain/working-days';
import { rolloutWorkflowId } from '../../messages/rollout';
import { MandantIdKey, OnlinedienstIdKey } from '../../messages/search-attributes';
import { rolloutTicketWorkflow } from '../rollout/workflow';
import { acts } from '../shared/activities';
import { startAbschaltung } from './abschaltung';
import type { LifecycleRun } from './state';

export interface CommitMeta {
  action: string;
  details: Record<string, unknown>;
  completed?: CompletedTask;
  actor?: Actor;
  extraAudit?: AuditRecord[];
  mandantId?: string;
}

export async function commit(run: LifecycleRun, r: StateChange, actorId: string, meta: CommitMeta): Promise<void> {
  const { wf } = run;
  wf.lc = r.state;
  const t = run.now();
  const audit: AuditRecord[] = [
    ...(meta.extraAudit ?? []),
    { action: meta.action, actor: actorId, mandantId: meta.mandantId ?? null, details: meta.details },
  ];
  for (const tr of r.transitions) {
    audit.push({
      action: 'onlinedienst.phase.gewechselt',
      actor: actorId,
      details: { von: tr.from, nach: tr.to, art: tr.kind, grund: tr.reason, am: new Date(tr.at).toISOString() },
    });
  }
  if (r.ended) {
    audit.push({
      action: 'onlinedienst.lebenszyklus.abgeschlossen',
      actor: actorId,
      details: { am: new Date(t).toISOString() },
    });
  }

  const releaseRows: ReleaseCheckRow[] = [];
  const done = meta.completed;
  if (done?.templateId === 'release-pruefung' && done.key !== undefined) {
    const report = reportFromReleasePruefung(done.fields as { ergebnis: string; befunde?: string });
    const entry = wf.releaseChecks[done.key];
    if (entry) {
      entry.state = report.result === 'ok' ? 'geprueft' : report.result === 'finding' ? 'befund' : 'rezertifizierung';
    }
    releaseRows.push({
      version: done.key,
      result: report.result,
      finding: report.finding ?? null,
      reportedAt: t,
      reportedBy: actorId,
    });
  }
  // Back in Betrieb after a recertification or with a new version: the release checks that asked for it are done.
  if (
    r.transitions.some((tr) => tr.to === 'betrieb' && (tr.from === 'zertifizierung' || tr.from === 'produktivsetzung'))
  ) {
    for (const entry of Object.values(wf.releaseChecks)) {
      if (entry.state !== 'rezertifizierung') continue;
      entry.state = 'geprueft';
      releaseRows.push({ version: entry.version, result: 'recertified', reportedAt: t, reportedBy: actorId });
    }
  }
  const prototyp =
    done?.templateId === 'prototyp-bereitstellen'
      ? (done.fields as { prozess: { name: string; version: string }; formular: { name: string; version: string } })
      : null;
  await run.record(audit, {
    opened: r.opened,
    completed: done ? [done] : [],
    cancelled: r.cancelled,
    releaseChecks: releaseRows,
    ...(prototyp ? { prozess: prototyp.prozess, formular: prototyp.formular } : {}),
  });
  if (r.transitions.length > 0) run.phaseChangedInRun = true;
  run.queue(...taskOpenedNotices(run.notices, r.opened));
  if (done) await effectsOfCompletion(run, done, t, meta.actor ?? { id: actorId, roles: [], mandanten: [] });
  for (const tr of r.transitions) if (tr.to === 'abschaltung') await startAbschaltung(run, actorId, t);
}

async function effectsOfCompletion(run: LifecycleRun, done: CompletedTask, t: Instant, actor: Actor): Promise<void> {
  const { wf, workflowId, odId } = run;
  const key = `${workflowId}:${wf.seq}:${done.templateId}`;
  const m = done.mandant;
  switch (done.templateId) {
    case 'uebernahme-beantragen':
      await startRolloutTicket(run, done, t, actor);
      break;
    case 'aktivierung':
      if (m === undefined) break;
      await acts.setAktivierung({
        workflowId,
        onlinedienstId: odId,
        mandantId: m,
        wartungsmodus: true,
        status: 'aktiv',
        actor: done.completedBy,
        key,
        reason: 'Aktiviert; Wartungsmodus an für den produktiven Abnahmetest',
      });
      wf.mandanten[m] = { ...wf.mandanten[m], wartungsmodus: true };
      break;
    case 'wartungsmodus-aus':
      if (m === undefined) break;
      await acts.setAktivierung({
        workflowId,
        onlinedienstId: odId,
        mandantId: m,
        wartungsmodus: false,
        actor: done.completedBy,
        key,
        reason: 'Produktive Abnahme bestanden; Wartungsmodus aus durch den Mandanten',
      });
      wf.mandanten[m] = { ...wf.mandanten[m], wartungsmodus: false };
      break;
    case 'deaktivierung':
      if (m === undefined) break;
      await acts.setAktivierung({
        workflowId,
        onlinedienstId: odId,
        mandantId: m,
        status: 'deaktiviert',
        wartungsmodus: true,
        actor: done.completedBy,
        key,
        reason: 'Abschaltung: beim Mandanten deaktiviert',
      });
      break;
    default:
      break;
  }
}

async function startRolloutTicket(
  run: LifecycleRun,
  done: CompletedTask,
  t: Instant,
  requestedBy: Actor,
): Promise<void> {
  const { wf, input, odId } = run;
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
          parentWorkflowId: run.workflowId,
          settings: { ...run.settings.rollout, clock: run.clock },
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
