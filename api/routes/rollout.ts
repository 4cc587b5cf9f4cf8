// The AWB's rollout tickets (transfer of a certified process to the Produktivsystem): the list from PostgreSQL,
// one ticket live with its SLA clock, and the ticket commands as Temporal Updates (refused when status, role or
// assignee do not fit).
import { z } from '@hono/zod-openapi';
import { findRolloutTicket, listRolloutTickets, type RolloutTicketRow } from '../../db/stores/rollout';
import { listVersionen } from '../../db/stores/formular';
import { rolloutCommandSchema, type RolloutCommand } from '../../domain/rollout/ticket';
import { rolloutCommandUpdate, rolloutStateQuery } from '../../messages/rollout';
import { currentUser, type User } from '../auth';
import { workflowUiUrl, type ApiDeps } from '../deps';
import { actorOf } from '../lifecycle-api';
import { HttpProblem } from '../problem';
import { apiRoute, json, jsonBody, router } from '../route';
import { rolloutTicketDetailSchema, rolloutTicketListSchema, rolloutViewSchema } from '../schemas/rollout';
import { command, query } from '../workflow-calls';

const ROLES = ['awb', 'prozesseigner', 'projektleitung'] as const;
const ticketParams = z.object({ id: z.string().openapi({ description: 'the ticket workflow id, rollout-<id>-<n>' }) });

export const listRoute = apiRoute({
  method: 'get',
  path: '/',
  tag: 'Rollout',
  roles: ROLES,
  summary: 'Rollout tickets with status and SLA state (from the PostgreSQL projection)',
  request: { query: z.object({ status: z.string().optional(), onlinedienstId: z.string().optional() }) },
  responses: { 200: json(rolloutTicketListSchema, 'tickets, newest first') },
});

export const getRoute = apiRoute({
  method: 'get',
  path: '/{id}',
  tag: 'Rollout',
  roles: ROLES,
  summary: "One ticket live (workflow query): status, log, SLA clock computed from the ticket's own history",
  request: { params: ticketParams },
  responses: { 200: json(rolloutTicketDetailSchema, 'the ticket') },
  problems: [404],
});

export const commandRoute = apiRoute({
  method: 'post',
  path: '/{id}/befehle',
  tag: 'Rollout',
  roles: ROLES,
  summary: 'A ticket command: assign, ask-requester (pauses the clock), answer, mark-transferred, confirm',
  request: { params: ticketParams, body: jsonBody(rolloutCommandSchema()) },
  responses: { 200: json(rolloutViewSchema, 'the ticket after the command') },
  problems: [404, 409, 422],
});

const crossMandant = (user: User) => user.mandanten.includes('*');

function item(r: RolloutTicketRow) {
  return {
    workflowId: r.workflow_id,
    ticketId: r.ticket_id,
    onlinedienstId: r.onlinedienst_id,
    mandantId: r.mandant_id,
    prozess: r.prozess,
    formular: r.formular,
    zertifizierungsReferenz: r.zertifizierungs_referenz,
    status: r.status,
    assignee: r.assignee,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    slaState: r.sla_state,
    slaElapsedMs: Number(r.sla_elapsed_ms),
    slaBreachAt: r.sla_breach_at,
  };
}

export function rolloutRoutes(deps: ApiDeps) {
  const app = router();
  const handle = (workflowId: string) => deps.temporal.workflow.getHandle(workflowId);

  /** Without cross-Mandant rights a caller sees only the tickets it requested; the others are not found. */
  async function visibleTicket(user: User, workflowId: string) {
    const row = await findRolloutTicket(deps.db, workflowId);
    if (!row || (!crossMandant(user) && row.requested_by !== user.id)) {
      throw new HttpProblem(404, 'Nicht gefunden', `Ticket ${workflowId} not found`);
    }
    return row;
  }

  /**
   * For an Onlinedienst with stored form+process versions, "übernommen" names exactly its certified content: the
   * version must exist and be certified, a hash given must be the certified one, and a missing hash is filled in
   * (the ticket workflow deploys that hash to the Produktivsystem).
   */
  async function mitZertifiziertemHash(row: RolloutTicketRow, cmd: RolloutCommand): Promise<RolloutCommand> {
    if (cmd.type !== 'mark-transferred' || !row.onlinedienst_id) return cmd;
    const versionen = await listVersionen(deps.db, row.onlinedienst_id);
    if (versionen.length === 0) return cmd;
    const v = versionen.find((x) => x.version === cmd.produktivVersion);
    if (!v) {
      throw new HttpProblem(
        422,
        'Version unbekannt',
        `Von ${row.onlinedienst_id} gibt es keine Version ${cmd.produktivVersion}.`,
        { invalidParams: [{ name: 'produktivVersion', reason: 'Version unbekannt' }] },
      );
    }
    if (v.zertifiziert_hash !== v.content_hash) {
      throw new HttpProblem(
        422,
        'Nicht zertifiziert',
        `Version ${v.version} ist nicht zertifiziert; auf das Produktivsystem kommt nur eine zertifizierte Version.`,
        {
          invalidParams: [
            { name: 'produktivVersion', reason: 'nicht zertifiziert' },
            // A hash named for an uncertified version is no certified content either.
            ...(cmd.inhaltsHash !== undefined ? [{ name: 'inhaltsHash', reason: 'nicht zertifiziert' }] : []),
          ],
        },
      );
    }
    if (cmd.inhaltsHash !== undefined && cmd.inhaltsHash !== v.content_hash) {
      throw new HttpProblem(
        422,
        'Anderer Inhalt',
        `Der Hash passt nicht zur zertifizierten Version ${v.version} (${v.content_hash}).`,
        { invalidParams: [{ name: 'inhaltsHash', reason: 'nicht der zertifizierte Inhalt' }] },
      );
    }
    return { ...cmd, inhaltsHash: v.content_hash };
  }

  app.openapi(listRoute, async (c) => {
    const user = currentUser(c);
    const filter = c.req.valid('query');
    const rows = await listRolloutTickets(deps.db, {
      ...filter,
      ...(crossMandant(user) ? {} : { requestedBy: user.id }),
    });
    return c.json({ items: rows.map(item) }, 200);
  });

  app.openapi(getRoute, async (c) => {
    const { id } = c.req.valid('param');
    await visibleTicket(currentUser(c), id);
    const view = await query(`Ticket ${id}`, () => handle(id).query(rolloutStateQuery));
    return c.json({ ...view, temporalUiUrl: workflowUiUrl(deps, id) }, 200);
  });

  app.openapi(commandRoute, async (c) => {
    const user = currentUser(c);
    const { id } = c.req.valid('param');
    const row = await visibleTicket(user, id);
    const cmd = await mitZertifiziertemHash(row, c.req.valid('json'));
    const view = await command(`Ticket ${id}`, (updateId) =>
      handle(id).executeUpdate(rolloutCommandUpdate, { args: [{ actor: actorOf(user), command: cmd }], updateId }),
    );
    return c.json(view, 200);
  });
  return app;
}
