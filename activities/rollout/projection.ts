// The rollout ticket's audit entries and its row in rollout_ticket (the AWB's ticket list), one transaction per step.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { appendAudit } from '../../db/stores/audit';
import { upsertRolloutTicket, type RolloutSla, type RolloutTicketSnapshot } from '../../db/stores/rollout';
import type { AuditRecord } from '../onlinedienst/projection';

export interface RecordRolloutInput {
  workflowId: string;
  seq: number;
  audit: AuditRecord[];
  ticket: RolloutTicketSnapshot;
  sla: RolloutSla;
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
    await upsertRolloutTicket(trx, input);
  });
}
