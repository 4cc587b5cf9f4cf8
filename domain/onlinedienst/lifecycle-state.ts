// The state of one Onlinedienst's life as the lifecycle workflow keeps it, and what each command returns: the new
// state, the phase changes it caused, the tasks it opened and dropped, or why it was refused.
import type { FieldError } from '../field-errors';
import type { PhaseId, Role, TransitionKind } from './phases';
import type { LifecycleContext } from './task-template';
import type { DeadlineSpec, Instant } from '../working-days';

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
  'unknown-task' | 'wrong-phase' | 'not-open' | 'wrong-role' | 'wrong-mandant' | 'invalid-fields' | 'already-open';

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

export type CompleteTaskResult =
  ({ ok: true; completed: CompletedTask } & StateChange) | { ok: false; error: TaskError };
export type CommandResult = ({ ok: true } & StateChange) | { ok: false; error: TaskError };
