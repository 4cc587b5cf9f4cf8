// Commands from outside the task flow while the Onlinedienst runs: a task an event opens in Betrieb (release check,
// Rechtsänderung, configuration change, Störung) and a further Mandant activating the Onlinedienst.
import type { CommandResult, LifecycleState } from './lifecycle-state';
import { fail, finish, settle, type Draft } from './phase-advance';
import { taskTemplate } from './task-catalog';
import { phaseList } from './task-completion';
import { instanceId, newTask } from './task-instances';
import type { Instant } from '../working-days';

/**
 * Opens a task that an outside event triggers in Betrieb: 'release-pruefung' (key = release version),
 * 'rechtsaenderung', 'konfigurationsaenderung', 'stoerung'. `dueAt` overrides the computed deadline (a release
 * campaign sets it relative to the release date).
 */
export function openEventTask(
  state: LifecycleState,
  templateId: string,
  options: { key: string; now: Instant; dueAt?: Instant; payload?: Record<string, unknown> },
): CommandResult {
  const template = taskTemplate(templateId);
  if (!template || template.opensOn !== 'event')
    return fail('unknown-task', `Keine ereignisgesteuerte Aufgabe: ${templateId}`);
  if (state.ended || !template.phases.includes(state.phase)) {
    return fail('wrong-phase', `Aufgabe „${template.title}“ ist nur in ${phaseList(template.phases)} möglich.`);
  }
  if (options.key.trim() === '')
    return fail('invalid-fields', 'Schlüssel fehlt.', [{ path: 'key', message: 'Darf nicht leer sein.' }]);
  const id = instanceId(template, options.key);
  if (state.openTasks.some((t) => t.id === id) || state.completedTasks.some((t) => t.id === id)) {
    return fail('already-open', `Aufgabe ${id} gibt es bereits.`);
  }
  const task = newTask(template, state.phase, state.entry, state.context, options.now, {
    key: options.key,
    ...(options.dueAt !== undefined ? { dueAt: options.dueAt } : {}),
    ...(options.payload !== undefined ? { payload: options.payload } : {}),
  });
  return {
    ok: true,
    ...finish({
      state: { ...state, openTasks: [...state.openTasks, task] },
      transitions: [],
      opened: [task],
      cancelled: [],
    }),
  };
}

/**
 * A further Mandant activates the Onlinedienst. Before Aktivierung it is only recorded; during Aktivierung its
 * tasks join the phase (blocking); in Betrieb its activation chain opens as non-blocking tasks.
 */
export function addMandant(state: LifecycleState, mandantId: string, actorId: string, now: Instant): CommandResult {
  if (state.ended || state.phase === 'abschaltung') {
    return fail('wrong-phase', 'Nach der Abschaltung sind keine Aktivierungen mehr möglich.');
  }
  if (mandantId.trim() === '')
    return fail('invalid-fields', 'Mandant fehlt.', [{ path: 'mandantId', message: 'Darf nicht leer sein.' }]);
  if (state.context.mandanten.includes(mandantId))
    return fail('already-open', `Mandant ${mandantId} ist bereits erfasst.`);
  const draft: Draft = {
    state: { ...state, context: { ...state.context, mandanten: [...state.context.mandanten, mandantId] } },
    transitions: [],
    opened: [],
    cancelled: [],
  };
  settle(draft, actorId, now);
  return { ok: true, ...finish(draft) };
}
