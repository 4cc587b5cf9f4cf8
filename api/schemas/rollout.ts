// Rollout tickets as the API shows them: the list from PostgreSQL, one ticket live from its workflow.
import { z } from '@hono/zod-openapi';
import { domainClockSchema, instantSchema, prozessRefSchema, temporalUiUrlSchema, timestampSchema } from './shared';

const STATUSES = ['requested', 'in_progress', 'waiting_for_requester', 'transferred', 'confirmed'] as const;
const SLA_STATES = ['not-started', 'ok', 'warning', 'breached', 'paused', 'stopped'] as const;

export const rolloutTicketItemSchema = z.object({
  workflowId: z.string(),
  ticketId: z.string(),
  onlinedienstId: z.string(),
  mandantId: z.string(),
  prozess: prozessRefSchema,
  formular: prozessRefSchema,
  zertifizierungsReferenz: z.string(),
  status: z.enum(STATUSES),
  assignee: z.string().nullable(),
  requestedBy: z.string(),
  requestedAt: timestampSchema,
  slaState: z.enum(SLA_STATES),
  slaElapsedMs: z.number(),
  slaBreachAt: timestampSchema.nullable(),
});

export const rolloutTicketListSchema = z.object({ items: z.array(rolloutTicketItemSchema) });

export const slaClockSchema = z.object({
  state: z.enum(SLA_STATES),
  running: z.boolean(),
  budgetMs: z.number(),
  warningThresholdMs: z.number(),
  elapsedMs: z.number(),
  remainingMs: z.number(),
  overdueMs: z.number(),
  startedAt: instantSchema.nullable(),
  pausedSince: instantSchema.nullable(),
  stoppedAt: instantSchema.nullable(),
  warningAt: instantSchema.nullable(),
  breachAt: instantSchema.nullable(),
  warningReached: z.boolean(),
  breached: z.boolean(),
  nextWakeAt: instantSchema.nullable(),
});

export const rolloutTicketSchema = z.object({
  ticketId: z.string(),
  onlinedienstId: z.string().optional(),
  mandantId: z.string(),
  prozess: prozessRefSchema,
  formular: prozessRefSchema,
  zertifizierungsReferenz: z.string(),
  note: z.string().optional(),
  status: z.enum(STATUSES),
  requestedBy: z.string(),
  requestedAt: instantSchema,
  assignee: z.string().nullable(),
  openQuestion: z.string().nullable(),
  produktivVersion: z.string().nullable(),
  transferredAt: instantSchema.nullable(),
  confirmedAt: instantSchema.nullable(),
  slaEvents: z.array(
    z.object({
      type: z.enum(['started', 'paused', 'resumed', 'stopped']),
      at: instantSchema,
      reason: z.string().optional(),
    }),
  ),
  log: z.array(
    z.object({
      at: instantSchema,
      actor: z.string(),
      command: z.enum(['assign', 'ask-requester', 'answer', 'mark-transferred', 'confirm', 'request']),
      from: z.enum(STATUSES).nullable(),
      to: z.enum(STATUSES),
      text: z.string().optional(),
    }),
  ),
});

export const rolloutViewSchema = z
  .object({
    workflowId: z.string(),
    ticket: rolloutTicketSchema,
    sla: slaClockSchema,
    now: instantSchema,
    clock: domainClockSchema,
    warned: z.boolean(),
    escalated: z.boolean(),
  })
  .openapi('RolloutTicket');

export const rolloutTicketDetailSchema = rolloutViewSchema.extend({ temporalUiUrl: temporalUiUrlSchema });

export type RolloutTicketItem = z.infer<typeof rolloutTicketItemSchema>;
export type RolloutTicketView = z.infer<typeof rolloutViewSchema>;
