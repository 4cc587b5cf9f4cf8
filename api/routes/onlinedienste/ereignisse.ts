// Outside events in Betrieb, one route per kind: a Rechtsänderung, a Konfigurationsänderung ordered by a Mandant,
// a Störung passed on by the AWB. Each opens a task for the responsible role (a Temporal Update).
import { EVENT_ROLES, EVENT_SCHEMAS, EVENT_TYPES, type EventType } from '../../../domain/onlinedienst/events';
import { lifecycleWorkflowId, reportEventUpdate } from '../../../messages/onlinedienst';
import { currentUser } from '../../auth';
import type { ApiDeps } from '../../deps';
import { actorOf } from '../../lifecycle-api';
import { apiRoute, json, jsonBody, router } from '../../route';
import { eventTaskSchema } from '../../schemas/onlinedienst';
import { command } from '../../workflow-calls';
import { idParams, visibleLifecycle } from './access';

const TITLES: Record<EventType, string> = {
  rechtsaenderung:
    'Reports a Rechtsänderung (legal change): opens a task for the Prozesseigner, due when it takes effect',
  konfigurationsaenderung:
    'A Mandant orders a Konfigurationsänderung of its activation: opens a task for the Prozessmodellierer',
  stoerung: 'Passes on a Störung (incident): opens a task for the Prozesseigner',
};

export const eventRoutes = EVENT_TYPES.map((type) =>
  apiRoute({
    method: 'post',
    path: `/{id}/ereignisse/${type}`,
    tag: 'Onlinedienste',
    roles: EVENT_ROLES[type],
    summary: `${TITLES[type]} (Betrieb only)`,
    request: { params: idParams, body: jsonBody(EVENT_SCHEMAS[type]()) },
    responses: { 201: json(eventTaskSchema, 'the opened task') },
    problems: [404, 409],
  }),
);

export function ereignisseRoutes(deps: ApiDeps) {
  const app = router();
  EVENT_TYPES.forEach((type, i) => {
    app.openapi(eventRoutes[i]!, async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      await visibleLifecycle(deps.db, user, id);
      const payload = c.req.valid('json');
      const result = await command(`Onlinedienst ${id}`, (updateId) =>
        deps.temporal.workflow
          .getHandle(lifecycleWorkflowId(id))
          .executeUpdate(reportEventUpdate, { args: [{ type, actor: actorOf(user), payload }], updateId }),
      );
      return c.json(result, 201);
    });
  });
  return app;
}
