// Onlinedienste that are already in production (1,180 activations existed in 2023) join their lifecycle in Betrieb
// instead of replaying nine phases that happened before the workflow existed.
import { openTasksFor, withDeadlines, type LifecycleState } from './tasks';
import { union, type LifecycleContext } from './task-catalog';
import type { Instant } from '../working-days';

export function lifecycleInBetrieb(context: LifecycleContext, actorId: string, now: Instant): LifecycleState {
  // Activated Mandanten go to aktivierteMandanten only: `mandanten` lists those whose activation chain is still
  // to be run, and these have long been through it.
  const ctx: LifecycleContext = {
    ...context,
    mandanten: [],
    aktivierteMandanten: union([], [...(context.aktivierteMandanten ?? []), ...context.mandanten]),
    recertification: false,
  };
  return withDeadlines({
    onlinedienstId: ctx.onlinedienstId,
    phase: 'betrieb',
    entry: 1,
    context: ctx,
    openTasks: openTasksFor('betrieb', ctx, now, { entry: 1 }),
    completedTasks: [],
    history: [
      {
        at: now,
        actor: actorId,
        from: null,
        to: 'betrieb',
        reason: 'Aus dem Bestand übernommen (bereits in Betrieb)',
        kind: 'start',
      },
    ],
    deadlines: [],
    ended: false,
    endedAt: null,
  });
}
