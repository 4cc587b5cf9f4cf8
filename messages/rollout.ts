// Messages of the rollout ticket workflow (the service-desk ticket for the transfer to the Produktivsystem).
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ClockSettings, DomainClock } from '../domain/clock';
import type { RolloutTicket } from '../domain/rollout/ticket';
import type { SlaClock } from '../domain/rollout/sla';
import type { Actor } from '../domain/onlinedienst/task-catalog';
import type { RolloutSettings, Notice } from './onlinedienst';

export const rolloutWorkflowId = (onlinedienstId: string, n: number) => `rollout-${onlinedienstId}-${n}`;

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
