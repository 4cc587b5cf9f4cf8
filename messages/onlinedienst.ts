// Messages of the Onlinedienst lifecycle workflow, shared by the workflow and its callers (API, campaign, tests).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ClockSettings, DomainClock } from '../domain/clock';
import type { AbschaltungEntscheidung, EventType } from '../domain/onlinedienst/events';
import type { FieldError } from '../domain/field-errors';
import type { GateReport } from '../domain/onlinedienst/gate-report';
import type { Notice } from '../domain/onlinedienst/notices';
import type { PhaseId, Role, TransitionKind } from '../domain/onlinedienst/phases';
import type { Actor, ProzessRef } from '../domain/onlinedienst/task-catalog';
import type { Aenderung } from '../domain/onlinedienst/task-template';
import type { HistoryEntry, LifecycleState, OpenTask, TaskDeadline } from '../domain/onlinedienst/tasks';
import type { DeadlineSpec, Instant } from '../domain/working-days';
import type { RolloutSettings } from './rollout';

export const lifecycleWorkflowId = (onlinedienstId: string) => `onlinedienst-${onlinedienstId}`;

/** Durations that are long in production; tests and demos run them short (all in domain milliseconds). */
export interface LifecycleSettings {
  clock?: ClockSettings | DomainClock;
  /** per task template, e.g. { 'test-durchfuehren': { amount: 2, unit: 'working-days' } } */
  deadlines?: Partial<Record<string, DeadlineSpec>>;
  /** between reminders for an overdue task (default one day) */
  reminderIntervalMs?: number;
  /** reminders per overdue task (default 10) */
  maxReminders?: number;
  /** how often a held gate is checked again by itself (default one day) */
  gateRecheckIntervalMs?: number;
  /** how often open Anträge are counted while they run out after the shutdown decision (default one hour) */
  drainPollIntervalMs?: number;
  rollout?: RolloutSettings;
}

export interface BestandInput {
  prozess: ProzessRef;
  formular: ProzessRef;
  zertifizierungsReferenz: string;
  aktivierteMandanten: string[];
}

export interface LifecycleInput {
  onlinedienstId: string;
  name: string;
  /** the Mandant that owns the Onlinedienst (search attribute MandantId) */
  mandantId: string;
  /** user id of the Prozesseigner (search attribute Prozesseigner) */
  prozesseigner: string;
  startedBy: string;
  mandanten?: string[];
  featureTags?: string[];
  leistungId?: string;
  /** Built with the Blaupause-Assistent: its Zertifizierung is the automatic certification. */
  blaupause?: boolean;
  /** An Onlinedienst already in production joins its lifecycle in Betrieb. */
  bestand?: BestandInput;
  settings?: LifecycleSettings;
  /** Set by continue-as-new only. */
  carried?: CarriedLifecycle;
}

export type ReleaseCheckState =
  'offen' | 'ueberfaellig' | 'geprueft' | 'befund' | 'rezertifizierung' | 'nicht-in-betrieb';

export interface ReleaseCheckEntry {
  version: string;
  state: ReleaseCheckState;
  classification: 'recertification-required' | 'regression-check';
  dueAt: Instant;
  openedAt: Instant;
}

export interface GateHold {
  gate: GateReport['gate'];
  taskId: string;
  actor: Actor;
  fields: unknown;
  since: Instant;
  nextCheckAt: Instant;
}

export interface RolloutRef {
  workflowId: string;
  ticketId: string;
  startedAt: Instant;
  status: 'offen' | 'uebernommen' | 'geschlossen';
}

export interface MandantStatus {
  wartungsmodus?: boolean;
  parameterKeys?: string[];
  parameterChangedAt?: Instant;
}

export interface AbschaltungState {
  decidedAt: Instant;
  begruendung: string;
  antraege: 'auslaufen' | 'uebergeben';
  uebergabeAn?: string;
  offeneAntraege: number | null;
  drained: boolean;
  nextPollAt: Instant | null;
  retentionApplied: boolean;
}

export interface CarriedLifecycle {
  lc: LifecycleState;
  seq: number;
  clock: DomainClock;
  counters: { events: number; rollouts: number };
  reminders: Record<string, { count: number; lastAt: Instant }>;
  gate: { last: GateReport | null; hold: GateHold | null };
  rollout: { active: RolloutRef | null; tickets: RolloutRef[] };
  releaseChecks: Record<string, ReleaseCheckEntry>;
  mandanten: Record<string, MandantStatus>;
  abschaltung: AbschaltungState | null;
  outbox: Notice[];
}

// ---------------------------------------------------------------------------------------------------------------
// Updates: refused by their validators with a Refusal (see lifecycle/refusal.ts), never accepted and ignored.

export interface CompleteTaskRequest {
  taskId: string;
  actor: Actor;
  fields: unknown;
}

export interface TransitionView {
  from: PhaseId;
  to: PhaseId;
  kind: TransitionKind;
  reason: string;
  at: Instant;
}

export interface TaskUpdateResult {
  /** 'erledigt': applied; 'gehalten': valid, but the gate check failed and holds the phase until fixed */
  status: 'erledigt' | 'gehalten';
  phase: PhaseId;
  transitions: TransitionView[];
  opened: string[];
  gate?: GateReport;
}

export interface ReportEventRequest {
  type: EventType;
  actor: Actor;
  payload: unknown;
}

export interface ShutdownRequest {
  actor: Actor;
  payload: AbschaltungEntscheidung | unknown;
}

export interface RegisterMandantRequest {
  actor: Actor;
  mandantId: string;
}

export const completeTaskUpdate = defineUpdate<TaskUpdateResult, [CompleteTaskRequest]>('completeTask');
export const reportEventUpdate = defineUpdate<{ taskId: string; dueAt: Instant }, [ReportEventRequest]>('reportEvent');
export const decideShutdownUpdate = defineUpdate<TaskUpdateResult, [ShutdownRequest]>('decideShutdown');
export const registerMandantUpdate = defineUpdate<{ added: boolean; opened: string[] }, [RegisterMandantRequest]>(
  'registerMandant',
);
/** Runs the held gate check again now (after the master data was fixed). */
export const recheckGateUpdate = defineUpdate<TaskUpdateResult | null, [{ actor: Actor }]>('recheckGate');

// Signals: from other workflows and from API writes that already happened in PostgreSQL.

export interface ReleaseCheckNotice {
  version: string;
  releaseDate: string;
  dueAt: Instant;
  classification: 'recertification-required' | 'regression-check';
  matchingChangeIds: string[];
  breakingChangeIds: string[];
}

export const openReleaseCheckSignal = defineSignal<[ReleaseCheckNotice]>('openReleaseCheck');
/** Protected values never travel here: only which keys changed. */
export const prozessparameterChangedSignal =
  defineSignal<[{ mandantId: string; keys: string[]; actor: string }]>('prozessparameterChanged');
// The rollout ticket owns the signals it sends its lifecycle (messages/rollout.ts); re-exported for the lifecycle.
export { rolloutClosedSignal, rolloutTransferredSignal } from './rollout';

// Query: the live state of the run.

export interface OpenTaskView {
  id: string;
  title: string;
  role: Role;
  mandant?: string;
  phase: PhaseId;
  entry: number;
  attempt: number;
  blocking: boolean;
  openedAt: Instant;
  dueAt: Instant;
  overdue: boolean;
  reminders: number;
  payload?: Record<string, unknown>;
  /** the completion is valid but waits for the gate check */
  heldByGate?: boolean;
}

export interface LifecycleView {
  onlinedienstId: string;
  name: string;
  mandantId: string;
  prozesseigner: string;
  phase: PhaseId;
  phaseNr: number;
  phaseLabel: string;
  entry: number;
  recertification: boolean;
  now: Instant;
  clock: DomainClock;
  context: {
    mandanten: string[];
    aktivierteMandanten: string[];
    featureTags: string[];
    leistungId?: string;
    prozess?: ProzessRef;
    formular?: ProzessRef;
    zertifizierungsReferenz?: string;
    /** a change cycle under way: a new version on its way to the Produktivsystem */
    aenderung?: Aenderung;
  };
  openTasks: OpenTaskView[];
  deadlines: TaskDeadline[];
  history: HistoryEntry[];
  completedTasks: Array<{
    id: string;
    phase: PhaseId;
    attempt: number;
    completedBy: string;
    completedAt: Instant;
    late: boolean;
    reopened: boolean;
  }>;
  gate: { last: GateReport | null; hold: { gate: GateReport['gate']; taskId: string; since: Instant } | null };
  rollout: { active: RolloutRef | null; tickets: RolloutRef[] };
  releaseChecks: ReleaseCheckEntry[];
  mandantenStatus: Record<string, MandantStatus>;
  abschaltung: AbschaltungState | null;
  ended: boolean;
  endedAt: Instant | null;
}

export const lifecycleStateQuery = defineQuery<LifecycleView>('state');

export interface LifecycleOutcome {
  onlinedienstId: string;
  endedAt: Instant;
  history: HistoryEntry[];
}

export type { OpenTask, FieldError, Notice };
export type { RolloutSettings } from './rollout';
