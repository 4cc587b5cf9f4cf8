// Rollout tickets in rollout_ticket (the AWB's ticket list): the lists the API reads, and the row the ticket's
// activity writes (activities/rollout/projection.ts, in the transaction that also writes the audit entries).
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, RolloutTicketTable } from '../schema';
import type { SlaState } from '../../domain/rollout/sla';
import type { RolloutTicketStatus } from '../../domain/rollout/ticket';

export type RolloutTicketRow = Selectable<RolloutTicketTable>;

export interface RolloutTicketFilter {
  status?: string;
  onlinedienstId?: string;
  /** only the tickets this user requested; undefined for all */
  requestedBy?: string;
}

/** Newest first. */
export async function listRolloutTickets(
  db: Kysely<Database>,
  filter: RolloutTicketFilter,
): Promise<RolloutTicketRow[]> {
  let query = db.selectFrom('rollout_ticket').selectAll().orderBy('requested_at', 'desc');
  if (filter.status) query = query.where('status', '=', filter.status as RolloutTicketRow['status']);
  if (filter.onlinedienstId) query = query.where('onlinedienst_id', '=', filter.onlinedienstId);
  if (filter.requestedBy !== undefined) query = query.where('requested_by', '=', filter.requestedBy);
  return query.execute();
}

export async function findRolloutTicket(
  db: Kysely<Database>,
  workflowId: string,
): Promise<RolloutTicketRow | undefined> {
  return db.selectFrom('rollout_ticket').selectAll().where('workflow_id', '=', workflowId).executeTakeFirst();
}

export interface RolloutTicketSnapshot {
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
}

export interface RolloutSla {
  state: SlaState;
  elapsedMs: number;
  breachAt: number | null;
}

/** Writes the ticket unless the row already holds this step or a later one (seq). */
export async function upsertRolloutTicket(
  db: Kysely<Database>,
  r: { workflowId: string; seq: number; ticket: RolloutTicketSnapshot; sla: RolloutSla },
): Promise<void> {
  const t = r.ticket;
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
    sla_state: r.sla.state,
    sla_elapsed_ms: Math.round(r.sla.elapsedMs),
    sla_breach_at: r.sla.breachAt === null ? null : new Date(r.sla.breachAt),
    seq: r.seq,
    updated_at: sql<Date>`now()`,
  };
  await db
    .insertInto('rollout_ticket')
    .values({ workflow_id: r.workflowId, ...values })
    .onConflict((oc) => oc.column('workflow_id').doUpdateSet(values).where('rollout_ticket.seq', '<', r.seq))
    .execute();
}
