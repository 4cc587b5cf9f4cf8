// Which task instances exist and when they open: one per phase entry, per Mandant or per outside key; follow-ups
// once their prerequisites are done; in Betrieb the activation chain of a Mandant added later. Also the deadline
// list the workflow sleeps on.
import type { PhaseId } from './phases';
import { TASK_TEMPLATES, taskTemplate } from './task-catalog';
import type { LifecycleContext, TaskTemplate } from './task-template';
import type { CompletedTask, LifecycleState, OpenTask, TaskDeadline } from './lifecycle-state';
import { deadlineFrom, type Instant } from '../working-days';

export function instanceId(template: TaskTemplate, suffix?: string): string {
  return suffix === undefined ? template.id : `${template.id}:${suffix}`;
}

export function splitId(taskId: string): [string, string | undefined] {
  const i = taskId.indexOf(':');
  return i < 0 ? [taskId, undefined] : [taskId.slice(0, i), taskId.slice(i + 1)];
}

export function newTask(
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
export function entryInstances(
  phase: PhaseId,
  context: LifecycleContext,
): Array<{ template: TaskTemplate; mandant?: string }> {
  const out: Array<{ template: TaskTemplate; mandant?: string }> = [];
  for (const template of TASK_TEMPLATES) {
    if (template.opensOn !== 'phase-entry' || template.phases[0] !== phase) continue;
    if (template.onlyIf && !template.onlyIf(context)) continue;
    if (template.scope === 'mandant') {
      for (const mandant of template.mandantenOf ? template.mandantenOf(context) : context.mandanten)
        out.push({ template, mandant });
    } else out.push({ template });
  }
  return out;
}

export function finishedAttempts(completed: readonly CompletedTask[], id: string): CompletedTask[] {
  return completed.filter((c) => c.id === id && !c.reopened);
}

/** Done in this entry into the phase, or at any time for templates whose result survives loops. */
export function isDone(
  completed: readonly CompletedTask[],
  id: string,
  template: TaskTemplate,
  entry: number,
): boolean {
  return finishedAttempts(completed, id).some((c) => c.entry === entry || template.reuseEarlierResult === true);
}

function prerequisitesMet(
  template: TaskTemplate,
  context: LifecycleContext,
  phase: PhaseId,
  mandant: string | undefined,
  completed: readonly CompletedTask[],
  entry: number,
): boolean {
  for (const afterId of template.after ?? []) {
    const before = taskTemplate(afterId);
    // A prerequisite that cannot occur in this phase (deployment for a Mandant added in Betrieb) lies in the past.
    if (!before || !before.phases.includes(phase)) continue;
    // A prerequisite this Onlinedienst never gets (the Freigabe of a lifecycle started before it existed) is no gate.
    if (before.onlyIf && !before.onlyIf(context)) continue;
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
    if (!prerequisitesMet(template, context, phase, mandant, completed, entry)) continue;
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
        return (
          !before ||
          !chain.includes(before) ||
          finishedAttempts(state.completedTasks, instanceId(before, mandant)).length > 0
        );
      });
      if (ready) out.push(newTask(template, 'betrieb', state.entry, state.context, now, { mandant }));
      break;
    }
  }
  return out;
}

export function tasksToOpen(state: LifecycleState, now: Instant): OpenTask[] {
  return [
    ...openTasksFor(state.phase, state.context, now, {
      completed: state.completedTasks,
      open: state.openTasks,
      entry: state.entry,
    }),
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

/** Open tasks past their deadline at `now`. */
export function overdueTasks(state: LifecycleState, now: Instant): OpenTask[] {
  return state.openTasks.filter((t) => now > t.dueAt);
}

/** The earliest open-task deadline after `now` (sleep until then), or null. */
export function nextDeadlineAfter(state: LifecycleState, now: Instant): Instant | null {
  const ahead = state.deadlines.map((d) => d.dueAt).filter((t) => t > now);
  return ahead.length > 0 ? Math.min(...ahead) : null;
}
