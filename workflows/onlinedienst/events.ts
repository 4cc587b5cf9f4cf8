// Outside events in Betrieb: a reported Rechtsänderung, Konfigurationsänderung or Störung opens a task (Update,
// refused by its validator); a release campaign asks for a re-check (signal: opens the task, or records that the
// Onlinedienst is not in Betrieb); changed Prozessparameter are noted (only which keys, never the values).
import {
  EVENT_KEY_PREFIX,
  EVENT_ROLES,
  EVENT_SCHEMAS,
  EVENT_TYPES,
  type EventType,
} from '../../domain/onlinedienst/events';
import { parseFields } from '../../domain/field-errors';
import { PHASES, ROLE_LABELS } from '../../domain/onlinedienst/phases';
import { union, type Actor } from '../../domain/onlinedienst/task-catalog';
import { openEventTask } from '../../domain/onlinedienst/tasks';
import { startOfBerlinDay, type Instant } from '../../domain/working-days';
import type {
  ReleaseCheckEntry,
  ReleaseCheckNotice,
  ReleaseCheckState,
  ReportEventRequest,
} from '../../messages/onlinedienst';
import { refusal } from '../../messages/refusal';
import { local } from '../shared/activities';
import { commit } from './commit';
import { taskRow, type LifecycleRun } from './state';

function parseEvent(run: LifecycleRun, type: EventType, actor: Actor, payload: unknown): Record<string, unknown> {
  if (!(EVENT_TYPES as readonly string[]).includes(type)) {
    throw refusal({ code: 'invalid-fields', message: `Unbekanntes Ereignis: ${type}` });
  }
  if (!EVENT_ROLES[type].some((r) => actor.roles.includes(r))) {
    throw refusal({
      code: 'wrong-role',
      message: `Dieses Ereignis melden: ${EVENT_ROLES[type].map((r) => ROLE_LABELS[r]).join(', ')}.`,
    });
  }
  const parsed = parseFields(EVENT_SCHEMAS[type](), payload);
  if (!parsed.ok) {
    throw refusal({
      code: 'invalid-fields',
      message: 'Die Angaben zum Ereignis sind unvollständig oder ungültig.',
      fieldErrors: parsed.fieldErrors,
    });
  }
  const data = parsed.data as Record<string, unknown>;
  if (type === 'konfigurationsaenderung') {
    const mandantId = data.mandantId as string;
    if (!run.allMandanten().includes(mandantId)) {
      throw refusal({
        code: 'unknown-mandant',
        message: `Mandant ${mandantId} hat diesen Onlinedienst nicht aktiviert.`,
      });
    }
    if (!actor.roles.includes('prozesseigner') && !actor.mandanten.includes(mandantId)) {
      throw refusal({
        code: 'wrong-mandant',
        message: `Konfigurationsänderungen für ${mandantId} beauftragt nur dieser Mandant.`,
      });
    }
  }
  return data;
}

/** Legal changes and configuration orders are due when they take effect, if that leaves time. */
function eventDueAt(type: EventType, data: Record<string, unknown>, t: Instant): Instant | undefined {
  const date =
    type === 'rechtsaenderung' ? data.inKraftAb : type === 'konfigurationsaenderung' ? data.gueltigAb : undefined;
  if (typeof date !== 'string') return undefined;
  const due = startOfBerlinDay(date);
  return due > t ? due : undefined;
}

export function validateReportEvent(run: LifecycleRun, req: ReportEventRequest): void {
  parseEvent(run, req.type, run.normaliseActor(req.actor), req.payload);
  const key = `${EVENT_KEY_PREFIX[req.type]}-${run.wf.counters.events + 1}`;
  const r = openEventTask(run.wf.lc, req.type, { key, now: run.now() });
  if (!r.ok) throw refusal(r.error);
}

export async function reportEventCommand(
  run: LifecycleRun,
  req: ReportEventRequest,
): Promise<{ taskId: string; dueAt: Instant }> {
  const { wf } = run;
  const actor = run.normaliseActor(req.actor);
  const data = parseEvent(run, req.type, actor, req.payload);
  const t = run.now();
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
  await commit(run, r, actor.id, {
    action: `onlinedienst.ereignis.${req.type}`,
    details: { taskId: `${req.type}:${key}`, ...data },
    ...(typeof data.mandantId === 'string' ? { mandantId: data.mandantId } : {}),
  });
  const task = r.opened[0]!;
  return { taskId: task.id, dueAt: task.dueAt };
}

/** The hot path of a release campaign: one local activity, no wake-up of the main loop. */
export async function openReleaseCheck(run: LifecycleRun, notice: ReleaseCheckNotice): Promise<void> {
  const { wf } = run;
  if (wf.releaseChecks[notice.version]) return; // delivered twice
  const t = run.now();
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
  const entry = (state: ReleaseCheckState): ReleaseCheckEntry => ({
    version: notice.version,
    state,
    classification: notice.classification,
    dueAt: notice.dueAt,
    openedAt: t,
  });
  if (!r.ok) {
    if (r.error.code !== 'wrong-phase') return;
    wf.releaseChecks[notice.version] = entry('nicht-in-betrieb');
    const notApplicable = `Nicht in Betrieb (Phase „${PHASES[wf.lc.phase].label}“)`;
    await run.record([], { releaseChecks: [{ version: notice.version, notApplicable }] });
    return;
  }
  wf.lc = r.state;
  wf.releaseChecks[notice.version] = entry('offen');
  wf.seq += 1;
  await local.recordReleaseCheckOpened({
    onlinedienstId: run.odId,
    seq: wf.seq,
    version: notice.version,
    task: taskRow(r.opened[0]!),
    releaseCheckState: 'offen',
  });
  run.syncSearchAttributes();
  // Arm the lateness alarm here instead of waking the main loop for it.
  run.alarm.arm(notice.dueAt);
}

export function onProzessparameterChanged(run: LifecycleRun, s: { mandantId: string; keys: string[] }): void {
  const { wf } = run;
  wf.mandanten[s.mandantId] = {
    ...wf.mandanten[s.mandantId],
    parameterKeys: union(wf.mandanten[s.mandantId]?.parameterKeys ?? [], s.keys),
    parameterChangedAt: run.now(),
  };
}
