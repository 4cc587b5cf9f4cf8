// Completing a task: the checks in order (task, phase, open, role, Mandant, fields), a German explanation when
// the task is not open, then the result recorded and its outcome applied (loop back, reopen) or the phase advanced.
import { parseFields } from '../field-errors';
import { PHASES, ROLE_LABELS, type PhaseId } from './phases';
import { taskTemplate } from './task-catalog';
import type { Actor, TaskTemplate } from './task-template';
import type { CompletedTask, CompleteTaskResult, LifecycleState, OpenTask, TaskError } from './lifecycle-state';
import { enterPhase, fail, finish, settle, type Draft } from './phase-advance';
import { finishedAttempts, instanceId, isDone, newTask, splitId } from './task-instances';
import type { Instant } from '../working-days';

export function phaseList(phases: readonly PhaseId[]): string {
  return phases.map((p) => `„${PHASES[p].label}“`).join(' oder ');
}

/** Why `taskId` cannot be completed although it is not among the open tasks. */
function explainNotOpen(state: LifecycleState, taskId: string): { ok: false; error: TaskError } {
  const [templateId, suffix] = splitId(taskId);
  const template = taskTemplate(templateId);
  if (!template) return fail('unknown-task', `Unbekannte Aufgabe: ${taskId}`);
  if (template.scope !== 'onlinedienst' && suffix === undefined) {
    return fail(
      'unknown-task',
      `Aufgabe ${taskId} braucht ${template.scope === 'mandant' ? 'einen Mandanten' : 'einen Schlüssel'} (${templateId}:…).`,
    );
  }
  if (template.scope === 'onlinedienst' && suffix !== undefined)
    return fail('unknown-task', `Unbekannte Aufgabe: ${taskId}`);
  if (state.ended) return fail('wrong-phase', 'Der Lebenszyklus ist beendet.');
  if (!template.phases.includes(state.phase)) {
    return fail(
      'wrong-phase',
      `Aufgabe „${template.title}“ gehört zu ${phaseList(template.phases)}; aktuelle Phase ist „${PHASES[state.phase].label}“.`,
    );
  }
  const mandanten = template.mandantenOf ? template.mandantenOf(state.context) : state.context.mandanten;
  if (template.scope === 'mandant' && suffix !== undefined && !mandanten.includes(suffix)) {
    return fail('unknown-task', `Mandant ${suffix} ist für diesen Onlinedienst nicht erfasst.`);
  }
  const finished = finishedAttempts(state.completedTasks, taskId);
  if (template.scope === 'keyed' && finished.length === 0)
    return fail('unknown-task', `Keine Aufgabe ${taskId} eröffnet.`);
  const doneBefore =
    template.scope === 'keyed' || template.phases[0] !== state.phase || template.reuseEarlierResult === true;
  if (finished.some((c) => c.entry === state.entry) || (doneBefore && finished.length > 0)) {
    return fail('not-open', `Aufgabe „${template.title}“ ist bereits erledigt.`);
  }
  if (template.onlyIf && !template.onlyIf(state.context)) {
    return fail('not-open', `Aufgabe „${template.title}“ entfällt in diesem Durchlauf.`);
  }
  const waitingFor = (template.after ?? [])
    .map((a) => taskTemplate(a))
    .filter((before): before is TaskTemplate => {
      if (!before || !before.phases.includes(state.phase)) return false;
      const id = before.scope === 'mandant' ? instanceId(before, suffix) : before.id;
      return !isDone(state.completedTasks, id, before, state.entry);
    })
    .map((before) => `„${before.title}“`);
  return fail(
    'not-open',
    `Aufgabe „${template.title}“ ist noch nicht eröffnet${waitingFor.length > 0 ? `; sie wartet auf ${waitingFor.join(', ')}` : ''}.`,
  );
}

/**
 * Completes an open task. Checks, in this order: the task exists (unknown-task), belongs to the current phase
 * (wrong-phase), is open (not-open), the actor holds its role (wrong-role) and, for per-Mandant tasks, acts
 * for that Mandant (wrong-mandant), the fields are valid (invalid-fields, with German field messages). Then it
 * records the result and applies the task's outcome (loop back, reopen) or advances the phase once all its
 * blocking tasks are done.
 */
export function completeTask(
  state: LifecycleState,
  taskId: string,
  actor: Actor,
  fields: unknown,
  now: Instant,
): CompleteTaskResult {
  const open = state.ended ? undefined : state.openTasks.find((t) => t.id === taskId);
  if (!open) return explainNotOpen(state, taskId);
  const template = taskTemplate(open.templateId);
  if (!template) return fail('unknown-task', `Unbekannte Aufgabe: ${taskId}`);
  if (!actor.roles.includes(open.role)) {
    return fail('wrong-role', `Aufgabe „${open.title}“ erledigt die Rolle ${ROLE_LABELS[open.role]}.`);
  }
  if (open.mandant !== undefined && !actor.mandanten.includes(open.mandant)) {
    return fail('wrong-mandant', `Aufgabe „${open.title}“ gehört zum Mandanten ${open.mandant}.`);
  }
  const parsed = parseFields(template.fields(), fields);
  if (!parsed.ok)
    return fail('invalid-fields', `Angaben zu „${open.title}“ sind unvollständig oder ungültig.`, parsed.fieldErrors);

  const data = parsed.data as Record<string, unknown>;
  const context = template.updateContext
    ? template.updateContext(state.context, data, {
        ...(open.mandant !== undefined ? { mandant: open.mandant } : {}),
        ...(open.key !== undefined ? { key: open.key } : {}),
      })
    : state.context;
  const outcome = template.outcome ? template.outcome(data, context) : null;
  const completed: CompletedTask = {
    ...open,
    completedAt: now,
    completedBy: actor.id,
    fields: data,
    late: now > open.dueAt,
    reopened: outcome?.kind === 'reopen',
  };
  const draft: Draft = {
    state: {
      ...state,
      context,
      openTasks: state.openTasks.filter((t) => t !== open),
      completedTasks: [...state.completedTasks, completed],
    },
    transitions: [],
    opened: [],
    cancelled: [],
  };
  if (outcome?.kind === 'transition') {
    enterPhase(draft, outcome.to, outcome.reason, actor.id, now);
  } else if (outcome?.kind === 'reopen') {
    const again: OpenTask = {
      ...newTask(template, open.phase, open.entry, context, now, {
        ...(open.mandant !== undefined ? { mandant: open.mandant } : {}),
        ...(open.key !== undefined ? { key: open.key } : {}),
        attempt: open.attempt + 1,
      }),
      blocking: open.blocking,
    };
    draft.opened.push(again);
    draft.state = { ...draft.state, openTasks: [...draft.state.openTasks, again] };
  }
  settle(draft, actor.id, now);
  return { ok: true, completed, ...finish(draft) };
}
