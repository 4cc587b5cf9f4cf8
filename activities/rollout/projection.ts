// The rollout ticket's audit entries and its row in rollout_ticket (the AWB's ticket list), one transaction per step.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { SlaState } from '../../domain/rollout/sla';
import type { RolloutTicketStatus } from '../../domain/rollout/ticket';
import { appendAudit } from '../../db/stores/audit';
import type { AuditRecord } from '../onlinedienst/projection';

export interface RecordRolloutInput {
  workflowId: string;
  seq: number;
  audit: AuditRecord[];
  ticket: {
    onlinedienstId: string;
    ticketId: string;
    mandantId: string;
    prozess: { name: string; version: string };
    formular: { name: string; version: string };
    zertifizierungsReferenz: string;
    status: RolloutTicketStatus;
    assignee: string | null;
    requestedBy: string;
    requestedAt: number;
  };
  sla: { state: SlaState; elapsedMs: number; breachAt: number | null };
}

export async function recordRolloutTicket(db: Kysely<Database>, input: RecordRolloutInput): Promise<void> {
  const t = input.ticket;
  await db.transaction().execute(async (trx) => {
    for (const [i, entry] of input.audit.entries()) {
      await appendAudit(trx, {
        actor: entry.actor,
        action: entry.action,
        subjectType: 'rollout-ticket',
        subjectId: input.workflowId,
        mandantId: entry.mandantId ?? t.mandantId,
        details: { onlinedienstId: t.onlinedienstId, ticketId: t.ticketId, ...entry.details },
        idempotencyKey: `${input.workflowId}:${input.seq}:${i}`,
      });
    }
    const values = {
      onlinedienst_id: t.onlinedienstId,
      ticket_id: t.ticketId,
      mandant_id: t.mandantId,
      prozess: JSON.stringify(t.prozess),
      formular: JSON.stringify(t.formular),
      zertifizierungs_referenz: t.zertifizierungsReferenz,
      status: t.status,
      assignee: t.assignee,
      requested_by: t.requestedBy,
      requested_at: new Date(t.requestedAt),
      sla_state: input.sla.state,
      sla_elapsed_ms: Math.round(input.sla.elapsedMs),
      sla_breach_at: input.sla.breachAt === null ? null : new Date(input.sla.breachAt),
      seq: input.seq,
      updated_at: sql<Date>`now()`,
    };
    await trx
      .insertInto('rollout_ticket')
      .values({ workflow_id: input.workflowId, ...values })
      .onConflict((oc) => oc.column('workflow_id').doUpdateSet(values).where('rollout_ticket.seq', '<', input.seq))
      .execute();
  });
}
