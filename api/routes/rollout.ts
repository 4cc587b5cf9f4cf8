// The AWB's rollout tickets (transfer of a certified process to the Produktivsystem): the list from PostgreSQL,
// one ticket live with its SLA clock, and the ticket commands as Temporal Updates (refused when status, role or
// assignee do not fit).
import { Hono } from 'hono';
import { z } from 'zod';
import { rolloutCommandSchema } from '../../domain/rollout/ticket';
import { rolloutCommandUpdate, rolloutStateQuery } from '../../messages/rollout';
import { currentUser, requireRole, type AuthVariables, type User } from '../auth';
import { workflowUiUrl, type ApiDeps } from '../deps';
import { actorOf, command } from '../lifecycle-api';
import type { ApiRegistry } from '../openapi';
import { HttpProblem } from '../problem';
import { jsonBody, queryParams } from '../validation';

const listQuery = z.object({ status: z.string().optional(), onlinedienstId: z.string().optional() });
const ROLES = ['awb', 'prozesseigner', 'projektleitung'] as const;

export function rolloutRoutes(deps: ApiDeps, registry: ApiRegistry) {
  const app = new Hono<{ Variables: AuthVariables }>();

  async function visibleTicket(user: User, workflowId: string) {
    const row = await deps.db.selectFrom('rollout_ticket').selectAll().where('workflow_id', '=', workflowId).executeTakeFirst();
    if (!row || (!user.mandanten.includes('*') && row.requested_by !== user.id)) throw new HttpProblem(404, 'Nicht gefunden', `Ticket ${workflowId} not found`);
    return row;
  }

  registry.add({
    method: 'get', path: '/api/rollout-tickets', tag: 'Rollout', roles: [...ROLES],
    summary: 'Rollout tickets with status and SLA state (from the PostgreSQL projection)',
    query: listQuery,
    response: { status: 200, description: 'tickets' },
  });
  app.get('/', requireRole(...ROLES), async (c) => {
    const user = currentUser(c);
    const q = queryParams(c, listQuery);
    let query = deps.db.selectFrom('rollout_ticket').selectAll().orderBy('requested_at', 'desc');
    if (q.status) query = query.where('status', '=', q.status);
    if (q.onlinedienstId) query = query.where('onlinedienst_id', '=', q.onlinedienstId);
    if (!user.mandanten.includes('*')) query = query.where('requested_by', '=', user.id);
    const rows = await query.execute();
    return c.json({
      items: rows.map((r) => ({
        workflowId: r.workflow_id, ticketId: r.ticket_id, onlinedienstId: r.onlinedienst_id, mandantId: r.mandant_id, prozess: r.prozess,
        formular: r.formular, zertifizierungsReferenz: r.zertifizierungs_referenz, status: r.status, assignee: r.assignee,
        requestedBy: r.requested_by, requestedAt: r.requested_at, slaState: r.sla_state, slaElapsedMs: Number(r.sla_elapsed_ms), slaBreachAt: r.sla_breach_at,
      })),
    });
  });

  registry.add({
    method: 'get', path: '/api/rollout-tickets/{id}', tag: 'Rollout', roles: [...ROLES],
    summary: 'One ticket live (workflow query): status, log, SLA clock computed from the ticket\'s own history',
    response: { status: 200, description: 'the ticket' },
    errors: [404],
  });
  app.get('/:id', requireRole(...ROLES), async (c) => {
    const id = c.req.param('id');
    await visibleTicket(currentUser(c), id);
    const view = await command(`Ticket ${id}`, () => deps.temporal.workflow.getHandle(id).query(rolloutStateQuery));
    return c.json({ ...view, temporalUiUrl: workflowUiUrl(deps, id) });
  });

  registry.add({
    method: 'post', path: '/api/rollout-tickets/{id}/befehle', tag: 'Rollout', roles: [...ROLES],
    summary: 'A ticket command: assign, ask-requester (pauses the clock), answer, mark-transferred, confirm',
    body: rolloutCommandSchema(),
    response: { status: 200, description: 'the ticket after the command' },
    errors: [404, 409],
  });
  app.post('/:id/befehle', requireRole(...ROLES), async (c) => {
    const user = currentUser(c);
    const id = c.req.param('id');
    await visibleTicket(user, id);
    // The workflow validates the command (German field messages); here it only has to be JSON.
    const body = await jsonBody(c, z.record(z.string(), z.unknown()));
    const view = await command(`Ticket ${id}`, () => deps.temporal.workflow.getHandle(id).executeUpdate(rolloutCommandUpdate, { args: [{ actor: actorOf(user), command: body }] }));
    return c.json(view);
  });
  return app;
}
