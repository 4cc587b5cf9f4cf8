// The catalogue of tasks per phase: who does what, which fields prove it is done, default deadlines, and how a
// result steers the lifecycle (loop back, reopen). The state machine that uses it lives in tasks.ts. The templates
// are in catalog-entwicklung.ts (phases 1–4), catalog-einfuehrung.ts (5–7) and catalog-betrieb.ts (8–9); their
// shape and helpers in task-template.ts. Order matters: tasks of a phase open in catalogue order.
import { BETRIEB_TASKS } from './catalog-betrieb';
import { EINFUEHRUNG_TASKS } from './catalog-einfuehrung';
import { ENTWICKLUNG_TASKS } from './catalog-entwicklung';
import type { TaskTemplate } from './task-template';

export { prozessRef, union } from './task-template';
export type { Actor, LifecycleContext, ProzessRef, TaskOutcome, TaskScope, TaskTemplate } from './task-template';

export const TASK_TEMPLATES: readonly TaskTemplate[] = [...ENTWICKLUNG_TASKS, ...EINFUEHRUNG_TASKS, ...BETRIEB_TASKS];

const TEMPLATE_BY_ID: ReadonlyMap<string, TaskTemplate> = new Map(TASK_TEMPLATES.map((t) => [t.id, t]));

export function taskTemplate(id: string): TaskTemplate | undefined {
  return TEMPLATE_BY_ID.get(id);
}
