// The pure state machine of one Onlinedienst's life. The lifecycle workflow keeps a LifecycleState, feeds it task
// completions and outside events, and sleeps until the next deadline. Which tasks exist is in task-catalog.ts.
import { parseFields, type FieldError } from '../field-errors';
import { checkTransition, nextPhase, PHASES, ROLE_LABELS, type PhaseId, type Role, type TransitionKind } from './phases';
import { TASK_TEMPLATES, taskTemplate, union, type Actor, type LifecycleContext, type TaskTemplate } from './task-catalog';
import { deadlineFrom, type DeadlineSpec, type Instant } from '../working-days';

export { TASK_TEMPLATES, taskTemplate } from './task-catalog';
export type { Actor, LifecycleContext, ProzessRef, TaskOutcome, TaskScope, TaskTemplate } from './task-catalog';

export interface OpenTask {
  /** instance id: template id, `${template}:${mandantId}` or `${template}:${key}` */
  id: string;
  templateId: string;
  phase: PhaseId;
  /** which entry into the phase opened it (state.entry at the time) */
  entry: number;
  /** 1 for the first attempt, +1 per reopen */
  attempt: number;
  title: string;
  role: Role;
  mandant?: string;
  key?: string;
  /** data that came with the event (e.g. the configuration change order) */
  payload?: Record<string, unknown>;
  /** must be done before the phase advances */
  blocking: boolean;
  openedAt: Instant;
  deadline: DeadlineSpec;
  dueAt: Instant;
}

export interface CompletedTask extends OpenTask {
  completedAt: Instant;
  completedBy: string;
  /** the validated (normalised) fields */
  fields: Record<string, unknown>;
  late: boolean;
  /** this attempt did not finish the task: a new attempt was opened (failed acceptance test, yearly review) */
  reopened: boolean;
}

export interface HistoryEntry {
  at: Instant;
  actor: string;
  from: PhaseId | null;
  to: PhaseId;
  reason: string;
  kind: TransitionKind | 'start' | 'end';
}

export interface TaskDeadline {
  taskId: string;
  role: Role;
  mandant?: string;
  dueAt: Instant;
}

export interface LifecycleState {
  onlinedienstId: string;
  phase: PhaseId;
  /** increments on every phase entry, also on re-entries through loops */
  entry: number;
  context: LifecycleContext;
  openTasks: OpenTask[];
  completedTasks: CompletedTask[];
  history: HistoryEntry[];
  /** the open tasks' deadlines, earliest first */
  deadlines: TaskDeadline[];
  /** true once every Abschaltung task is done: the workflow may end */
  ended: boolean;
  endedAt: Instant | null;
}

export interface PhaseTransition {
  from: PhaseId;
  to: PhaseId;
  kind: TransitionKind;
  reason: string;
  at: Instant;
}

export type TaskErrorCode =
  | 'unknown-task'
  | 'wrong-phase'
  | 'not-open'
  | 'wrong-role'
  | 'wrong-mandant'
  | 'invalid-fields'
  | 'already-open';

export interface TaskError {
  code: TaskErrorCode;
  message: string;
  fieldErrors?: FieldError[];
}

export interface StateChange {
  state: LifecycleState;
  /** the phase change the command caused, null if the phase stayed */
  transition: PhaseTransition | null;
  /** all phase changes in order (more than one only if a re-entered phase was already complete) */
  transitions: PhaseTransition[];
  /** tasks opened by the command (notify their role) */
  opened: OpenTask[];
  /** open tasks dropped because the phase changed */
  cancelled: OpenTask[];
  ended: boolean;
}

export type CompleteTaskResult = ({ ok: true; completed: CompletedTask } & StateChange) | { ok: false; error: TaskError };
export type CommandResult = ({ ok: true } & StateChange) | { ok: false; error: TaskError };

// ---------------------------------------------------------------------------------------------------------------

function instanceId(template: TaskTemplate, suffix?: string): string {
  return suffix === undefined ? template.id : `${template.id}:${suffix}`;
}

function splitId(taskId: string): [string, string | undefined] {
  const i = taskId.indexOf(':');
  return i < 0 ? [taskId, undefined] : [taskId.slice(0, i), taskId.slice(i + 1)];
}

function newTask(
  template: TaskTemplate,
  phase: PhaseId,
  entry: number,
  context: LifecycleContext,
  now: Instant,
  extra: { mandant?: string; key?: string; attempt?: number; dueAt?: Instant; payload?: Record<string, unknown> } = {},
): OpenTask {
  const deadline = context.deadlines?.[template.id] ?? template.deadline;
  const task: OpenTask = {
    id: instanceId(template, extra.mandant ?? extra.key),
    templateId: template.id,
    phase,
    entry,
    attempt: extra.attempt ?? 1,
    title: extra.mandant === undefined ? template.title : `${template.title} (Mandant ${extra.mandant})`,
    role: template.role,
    blocking: template.blocking && template.phases[0] === phase,
    openedAt: now,
    deadline,
    dueAt: extra.dueAt ?? deadlineFrom(now, deadline),
  };
  if (extra.mandant !== undefined) task.mandant = extra.mandant;
  if (extra.key !== undefined) task.key = extra.key;
  if (extra.payload !== undefined) task.payload = extra.payload;
  return task;
}

/** Task instances opened on entering `phase` (one per Mandant where scoped). */
function entryInstances(phase: PhaseId, context: LifecycleContext): Array<{ template: TaskTemplate; mandant?: string }> {
  const out: Array<{ template: TaskTemplate; mandant?: string }> = [];
  for (const template of TASK_TEMPLATES) {
    if (template.opensOn !== 'phase-entry' || template.phases[0] !== phase) continue;
    if (template.onlyIf && !template.onlyIf(context)) continue;
    if (template.scope === 'mandant') {
      for (const mandant of template.mandantenOf ? template.mandantenOf(context) : context.mandanten) out.push({ template, mandant });
    }
    else out.push({ template });
  }
  return out;
}

function finishedAttempts(completed: readonly CompletedTask[], id: string): CompletedTask[] {
  return completed.filter((c) => c.id === id && !c.reopened);
}

/** Done in this entry into the phase, or at any time for templates whose result survives loops. */
function isDone(completed: readonly CompletedTask[], id: string, template: TaskTemplate, entry: number): boolean {
  return finishedAttempts(completed, id).some((c) => c.entry === entry || template.reuseEarlierResult === true);
}

function prerequisitesMet(
  template: TaskTemplate,
  phase: PhaseId,
  mandant: string | undefined,
  completed: readonly CompletedTask[],
  entry: number,
): boolean {
  for (const afterId of template.after ?? []) {
    const before = taskTemplate(afterId);
    // A prerequisite that cannot occur in this phase (deployment for a Mandant added in Betrieb) lies in the past.
    if (!before || !before.phases.includes(phase)) continue;
    const id = before.scope === 'mandant' ? instanceId(before, mandant) : before.id;
    if (!isDone(completed, id, before, entry)) return false;
  }
  return true;
}

export interface OpenTasksOptions {
  /** completed tasks so far (done ones are skipped, follow-ups released) */
  completed?: readonly CompletedTask[];
  /** tasks already open (not opened twice) */
  open?: readonly OpenTask[];
  /** the phase entry the tasks belong to; default 1 */
  entry?: number;
}

/**
 * The tasks that open for `phase` at `now`: each of the phase's tasks that is not done yet, not open yet and
 * whose prerequisites are done. Without options: the tasks opened when the phase is entered.
 */
export function openTasksFor(
  phase: PhaseId,
  context: LifecycleContext,
  now: Instant,
  options: OpenTasksOptions = {},
): OpenTask[] {
  const completed = options.completed ?? [];
  const open = new Set((options.open ?? []).map((t) => t.id));
  const entry = options.entry ?? 1;
  const out: OpenTask[] = [];
  for (const { template, mandant } of entryInstances(phase, context)) {
    const id = instanceId(template, mandant);
    if (open.has(id) || isDone(completed, id, template, entry)) continue;
    if (!prerequisitesMet(template, phase, mandant, completed, entry)) continue;
    out.push(newTask(template, phase, entry, context, now, mandant === undefined ? {} : { mandant }));
  }
  return out;
}

/**
 * In Betrieb a Mandant added later goes through the same activation chain (aktivierung → abnahmetest →
 * wartungsmodus-aus) as non-blocking tasks. A chain interrupted by a recertification resumes on return.
 */
function betriebActivationTasks(state: LifecycleState, now: Instant): OpenTask[] {
  if (state.phase !== 'betrieb') return [];
  const chain = TASK_TEMPLATES.filter((t) => t.scope === 'mandant' && t.phases.includes('betrieb'));
  const out: OpenTask[] = [];
  for (const mandant of state.context.mandanten) {
    for (const template of chain) {
      const id = instanceId(template, mandant);
      if (finishedAttempts(state.completedTasks, id).length > 0) continue;
      if (state.openTasks.some((t) => t.id === id)) break;
      const ready = (template.after ?? []).every((a) => {
        const before = taskTemplate(a);
        return !before || !chain.includes(before) || finishedAttempts(state.completedTasks, instanceId(before, mandant)).length > 0;
      });
      if (ready) out.push(newTask(template, 'betrieb', state.entry, state.context, now, { mandant }));
      break;
    }
  }
  return out;
}

function tasksToOpen(state: LifecycleState, now: Instant): OpenTask[] {
  return [
    ...openTasksFor(state.phase, state.context, now, { completed: state.completedTasks, open: state.openTasks, entry: state.entry }),
    ...betriebActivationTasks(state, now),
  ];
}

export function withDeadlines(state: LifecycleState): LifecycleState {
  const deadlines = state.openTasks
    .map((t): TaskDeadline => {
      const d: TaskDeadline = { taskId: t.id, role: t.role, dueAt: t.dueAt };
      if (t.mandant !== undefined) d.mandant = t.mandant;
      return d;
    })
    .sort((a, b) => a.dueAt - b.dueAt || (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0));
  return { ...state, deadlines };
}

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

function phaseComplete(state: LifecycleState): boolean {
  if (state.openTasks.some((t) => t.blocking)) return false;
  return entryInstances(state.phase, state.context).every(
    ({ template, mandant }) => !template.blocking || isDone(state.completedTasks, instanceId(template, mandant), template, state.entry),
  );
}

interface Draft {
  state: LifecycleState;
  transitions: PhaseTransition[];
  opened: OpenTask[];
  cancelled: OpenTask[];
}

function enterPhase(draft: Draft, to: PhaseId, reason: string, actorId: string, now: Instant, explicitDecision = false): void {
  const from = draft.state.phase;
  const check = checkTransition(from, to, { explicitDecision, recertification: draft.state.context.recertification === true });
  // Outcomes and nextPhase are defined next to the transition rules; a refusal here is a bug in the definitions.
  if (!check.ok) throw new Error(`Lebenszyklus-Definition inkonsistent: ${check.message}`);
  let context = draft.state.context;
  if (from === 'betrieb' && to === 'zertifizierung') context = { ...context, recertification: true };
  if (to === 'betrieb') context = { ...context, recertification: false };
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
function settle(draft: Draft, actorId: string, now: Instant): void {
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
          { at: now, actor: actorId, from: 'abschaltung', to: 'abschaltung', reason: 'Abschaltung abgeschlossen', kind: 'end' },
        ],
      };
      return;
    }
    const next = nextPhase(draft.state.phase, draft.state.context.recertification === true);
    if (next === null) return;
    enterPhase(draft, next, `${PHASES[draft.state.phase].label} abgeschlossen`, actorId, now);
  }
  throw new Error('Lebenszyklus-Definition inkonsistent: die Phasenfolge kommt nicht zur Ruhe.');
}

function finish(draft: Draft): StateChange {
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

function fail(code: TaskErrorCode, message: string, fieldErrors?: FieldError[]): { ok: false; error: TaskError } {
  return { ok: false, error: fieldErrors ? { code, message, fieldErrors } : { code, message } };
}

function phaseList(phases: readonly PhaseId[]): string {
  return phases.map((p) => `„${PHASES[p].label}“`).join(' oder ');
}

/** Why `taskId` cannot be completed although it is not among the open tasks. */
function explainNotOpen(state: LifecycleState, taskId: string): { ok: false; error: TaskError } {
  const [templateId, suffix] = splitId(taskId);
  const template = taskTemplate(templateId);
  if (!template) return fail('unknown-task', `Unbekannte Aufgabe: ${taskId}`);
  if (template.scope !== 'onlinedienst' && suffix === undefined) {
    return fail('unknown-task', `Aufgabe ${taskId} braucht ${template.scope === 'mandant' ? 'einen Mandanten' : 'einen Schlüssel'} (${templateId}:…).`);
  }
  if (template.scope === 'onlinedienst' && suffix !== undefined) return fail('unknown-task', `Unbekannte Aufgabe: ${taskId}`);
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
  if (template.scope === 'keyed' && finished.length === 0) return fail('unknown-task', `Keine Aufgabe ${taskId} eröffnet.`);
  const doneBefore = template.scope === 'keyed' || template.phases[0] !== state.phase || template.reuseEarlierResult === true;
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
  if (!parsed.ok) return fail('invalid-fields', `Angaben zu „${open.title}“ sind unvollständig oder ungültig.`, parsed.fieldErrors);

  const data = parsed.data as Record<string, unknown>;
  const context = template.updateContext
    ? template.updateContext(state.context, data, open.mandant === undefined ? {} : { mandant: open.mandant })
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
  if (!template || template.opensOn !== 'event') return fail('unknown-task', `Keine ereignisgesteuerte Aufgabe: ${templateId}`);
  if (state.ended || !template.phases.includes(state.phase)) {
    return fail('wrong-phase', `Aufgabe „${template.title}“ ist nur in ${phaseList(template.phases)} möglich.`);
  }
  if (options.key.trim() === '') return fail('invalid-fields', 'Schlüssel fehlt.', [{ path: 'key', message: 'Darf nicht leer sein.' }]);
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
    ...finish({ state: { ...state, openTasks: [...state.openTasks, task] }, transitions: [], opened: [task], cancelled: [] }),
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
  if (mandantId.trim() === '') return fail('invalid-fields', 'Mandant fehlt.', [{ path: 'mandantId', message: 'Darf nicht leer sein.' }]);
  if (state.context.mandanten.includes(mandantId)) return fail('already-open', `Mandant ${mandantId} ist bereits erfasst.`);
  const draft: Draft = {
    state: { ...state, context: { ...state.context, mandanten: [...state.context.mandanten, mandantId] } },
    transitions: [],
    opened: [],
    cancelled: [],
  };
  settle(draft, actorId, now);
  return { ok: true, ...finish(draft) };
}

/**
 * Shutdown decided by the Prozesseigner. From Betrieb this is the regular end (kind 'shutdown'); from an earlier
 * phase it is the explicit decision to abort (kind 'abort').
 */
export function decideShutdown(
  state: LifecycleState,
  actor: Actor,
  reason: string,
  now: Instant,
): CommandResult {
  if (state.ended || state.phase === 'abschaltung') return fail('wrong-phase', 'Die Abschaltung läuft bereits.');
  if (!actor.roles.includes('prozesseigner')) return fail('wrong-role', `Die Abschaltung beschließt der ${ROLE_LABELS.prozesseigner}.`);
  if (reason.trim() === '') return fail('invalid-fields', 'Begründung fehlt.', [{ path: 'reason', message: 'Darf nicht leer sein.' }]);
  const draft: Draft = { state, transitions: [], opened: [], cancelled: [] };
  enterPhase(draft, 'abschaltung', `Abschaltung beschlossen: ${reason.trim()}`, actor.id, now, true);
  settle(draft, actor.id, now);
  return { ok: true, ...finish(draft) };
}

/** Open tasks past their deadline at `now`. */
export function overdueTasks(state: LifecycleState, now: Instant): OpenTask[] {
  return state.openTasks.filter((t) => now > t.dueAt);
}

/** The earliest open-task deadline after `now` (sleep until then), or null. */
export function nextDeadlineAfter(state: LifecycleState, now: Instant): Instant | null {
  const ahead = state.deadlines.map((d) => d.dueAt).filter((t) => t > now);
  return ahead.length > 0 ? Math.min(...ahead) : null;
}
