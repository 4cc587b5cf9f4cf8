// Rollout tickets as the lifecycle's projection writes them (activities/rollout/projection.ts).
import type { Kysely, Selectable } from 'kysely';
import type { Database, RolloutTicketTable } from '../schema';

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
