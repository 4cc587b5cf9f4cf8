// How the phase moves: entering a phase (checked against the transition rules) drops its open tasks; settling
// opens released follow-ups, advances every phase whose blocking tasks are done and ends the lifecycle once the
// Abschaltung is done. Commands build a Draft, change it, and finish it into a StateChange.
import type { FieldError } from '../field-errors';
import { checkTransition, nextPhase, PHASES, type PhaseId } from './phases';
import { union, type LifecycleContext } from './task-template';
import type {
  LifecycleState,
  OpenTask,
  PhaseTransition,
  StateChange,
  TaskError,
  TaskErrorCode,
} from './lifecycle-state';
import { entryInstances, instanceId, isDone, openTasksFor, tasksToOpen, withDeadlines } from './task-instances';
import type { Instant } from '../working-days';

/** A new lifecycle in Klärung with its tasks open. */
export function createLifecycle(context: LifecycleContext, actorId: string, now: Instant): LifecycleState {
  const ctx: LifecycleContext = { ...context, mandanten: union([], context.mandanten), recertification: false };
  return withDeadlines({
    onlinedienstId: ctx.onlinedienstId,
    phase: 'klaerung',
    entry: 1,
    context: ctx,
    openTasks: openTasksFor('klaerung', ctx, now, { entry: 1 }),
    completedTasks: [],
    history: [{ at: now, actor: actorId, from: null, to: 'klaerung', reason: 'Onlinedienst angelegt', kind: 'start' }],
    deadlines: [],
    ended: false,
    endedAt: null,
  });
}

export function phaseComplete(state: LifecycleState): boolean {
  if (state.openTasks.some((t) => t.blocking)) return false;
  return entryInstances(state.phase, state.context).every(
    ({ template, mandant }) =>
      !template.blocking || isDone(state.completedTasks, instanceId(template, mandant), template, state.entry),
  );
}

export interface Draft {
  state: LifecycleState;
  transitions: PhaseTransition[];
  opened: OpenTask[];
  cancelled: OpenTask[];
}

export function enterPhase(
  draft: Draft,
  to: PhaseId,
  reason: string,
  actorId: string,
  now: Instant,
  explicitDecision = false,
): void {
  const from = draft.state.phase;
  const check = checkTransition(from, to, {
    explicitDecision,
    recertification: draft.state.context.recertification === true,
    aenderung: draft.state.context.aenderung !== undefined,
  });
  // Outcomes and nextPhase are defined next to the transition rules; a refusal here is a bug in the definitions.
  if (!check.ok) throw new Error(`Lebenszyklus-Definition inkonsistent: ${check.message}`);
  let context = draft.state.context;
  if (from === 'betrieb' && to === 'zertifizierung') context = { ...context, recertification: true };
  if (to === 'betrieb') {
    const { aenderung: _done, ...rest } = context;
    context = { ...rest, recertification: false };
  }
  draft.cancelled.push(...draft.state.openTasks);
  draft.transitions.push({ from, to, kind: check.rule.kind, reason, at: now });
  draft.state = {
    ...draft.state,
    phase: to,
    entry: draft.state.entry + 1,
    context,
    openTasks: [],
    history: [...draft.state.history, { at: now, actor: actorId, from, to, reason, kind: check.rule.kind }],
  };
}

/** Opens released follow-up tasks, advances finished phases, ends the lifecycle once Abschaltung is done. */
export function settle(draft: Draft, actorId: string, now: Instant): void {
  for (let guard = 0; guard < 20; guard++) {
    const released = tasksToOpen(draft.state, now);
    if (released.length > 0) {
      draft.opened.push(...released);
      draft.state = { ...draft.state, openTasks: [...draft.state.openTasks, ...released] };
    }
    if (!phaseComplete(draft.state)) return;
    if (draft.state.phase === 'abschaltung') {
      draft.state = {
        ...draft.state,
        ended: true,
        endedAt: now,
        history: [
          ...draft.state.history,
          {
            at: now,
            actor: actorId,
            from: 'abschaltung',
            to: 'abschaltung',
            reason: 'Abschaltung abgeschlossen',
            kind: 'end',
          },
        ],
      };
      return;
    }
    const ctx = draft.state.context;
    const next = nextPhase(draft.state.phase, ctx.recertification === true, ctx.aenderung !== undefined);
    if (next === null) return;
    enterPhase(draft, next, `${PHASES[draft.state.phase].label} abgeschlossen`, actorId, now);
  }
  throw new Error('Lebenszyklus-Definition inkonsistent: die Phasenfolge kommt nicht zur Ruhe.');
}

export function finish(draft: Draft): StateChange {
  const state = withDeadlines(draft.state);
  const openedHere = new Set(draft.opened);
  return {
    state,
    transition: draft.transitions[0] ?? null,
    transitions: draft.transitions,
    opened: draft.opened.filter((t) => state.openTasks.includes(t)),
    cancelled: draft.cancelled.filter((t) => !openedHere.has(t)),
    ended: state.ended,
  };
}

export function fail(
  code: TaskErrorCode,
  message: string,
  fieldErrors?: FieldError[],
): { ok: false; error: TaskError } {
  return { ok: false, error: fieldErrors ? { code, message, fieldErrors } : { code, message } };
}
