// The pure state machine of one Onlinedienst's life. The lifecycle workflow keeps a LifecycleState, feeds it task
// completions and outside events, and sleeps until the next deadline. Which tasks exist is in task-catalog.ts.
// Inside: lifecycle-state.ts (state and results), task-instances.ts (which tasks open when, deadlines),
// phase-advance.ts (entering and settling phases, createLifecycle), task-completion.ts (completeTask),
// event-tasks.ts (openEventTask, addMandant), shutdown-decision.ts (decideShutdown).
export { TASK_TEMPLATES, taskTemplate } from './task-catalog';
export type { Actor, LifecycleContext, ProzessRef, TaskOutcome, TaskScope, TaskTemplate } from './task-template';
export type {
  CommandResult,
  CompletedTask,
  CompleteTaskResult,
  HistoryEntry,
  LifecycleState,
  OpenTask,
  PhaseTransition,
  StateChange,
  TaskDeadline,
  TaskError,
  TaskErrorCode,
} from './lifecycle-state';
export { nextDeadlineAfter, openTasksFor, overdueTasks, withDeadlines, type OpenTasksOptions } from './task-instances';
export { createLifecycle } from './phase-advance';
export { completeTask } from './task-completion';
export { addMandant, openEventTask } from './event-tasks';
export { decideShutdown } from './shutdown-decision';
