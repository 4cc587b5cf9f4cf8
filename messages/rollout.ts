// Messages of the rollout ticket workflow (the service-desk ticket for the transfer to the Produktivsystem).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ClockSettings, DomainClock } from '../domain/clock';
import type { RolloutTicket } from '../domain/rollout/ticket';
import type { Actor } from '../domain/onlinedienst/task-catalog';
import type { Notice } from '../domain/onlinedienst/notices';
import type { SlaClock, SlaPolicy } from '../domain/rollout/sla';

export const rolloutWorkflowId = (onlinedienstId: string, n: number) => `rollout-${onlinedienstId}-${n}`;

export interface RolloutSettings {
  /** default: 5 Saxon working days, warning at 80 % */
  sla?: SlaPolicy;
  /** between reminders to whoever the ticket waits for (default one working day of 24 h) */
  reminderIntervalMs?: number;
  maxReminders?: number;
}

export interface RolloutTicketInput {
  /** the request as requestRollout expects it (ticketId, onlinedienstId, mandantId, prozess, formular, zertifizierungsReferenz) */
  request: Record<string, unknown>;
  requestedBy: Actor;
  onlinedienstName: string;
  /** the lifecycle workflow to tell about the transfer and the close */
  parentWorkflowId?: string;
  settings?: RolloutSettings & { clock?: ClockSettings | DomainClock };
  carried?: CarriedRollout;
}

export interface CarriedRollout {
  ticket: RolloutTicket;
  seq: number;
  clock: DomainClock;
  warned: boolean;
  escalated: boolean;
  parentTold: boolean;
  reminders: Record<string, { count: number; lastAt: number }>;
  outbox: Notice[];
}

export interface RolloutCommandRequest {
  actor: Actor;
  command: unknown;
}

export interface RolloutView {
  workflowId: string;
  ticket: RolloutTicket;
  sla: SlaClock;
  now: number;
  clock: DomainClock;
  warned: boolean;
  escalated: boolean;
}

export const rolloutCommandUpdate = defineUpdate<RolloutView, [RolloutCommandRequest]>('ticketCommand');
export const rolloutStateQuery = defineQuery<RolloutView>('ticket');

// Signals the ticket sends the lifecycle that started it (parentWorkflowId): the child owns them.
export const rolloutTransferredSignal =
  defineSignal<[{ ticketWorkflowId: string; ticketId: string; produktivVersion: string; by: string }]>(
    'rolloutTransferred',
  );
export const rolloutClosedSignal = defineSignal<[{ ticketWorkflowId: string }]>('rolloutClosed');
