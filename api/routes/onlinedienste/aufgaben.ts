// Commands on a lifecycle, each a Temporal Update its validator refuses with a clear error (wrong role or Mandant
// 403, wrong phase or not open 409, invalid fields 400, unknown task 404): complete a task, run a held gate check
// again, decide the shutdown.
import { z } from '@hono/zod-openapi';
import { abschaltungSchema } from '../../../domain/onlinedienst/events';
import { withGateLinks } from '../../../domain/onlinedienst/gate-links';
import {
  completeTaskUpdate,
  decideShutdownUpdate,
  lifecycleWorkflowId,
  recheckGateUpdate,
  type TaskUpdateResult,
} from '../../../messages/onlinedienst';
import { currentUser } from '../../auth';
import type { ApiDeps } from '../../deps';
import { actorOf } from '../../lifecycle-api';
import { apiRoute, json, jsonBody, router } from '../../route';
import { taskResultSchema } from '../../schemas/onlinedienst';
import { command } from '../../workflow-calls';
import { idParams, visibleLifecycle } from './access';
import { pruefeFormularBezug } from './formular-bezug';

export const completeRoute = apiRoute({
  method: 'post',
  path: '/{id}/aufgaben/{taskId}',
  tag: 'Onlinedienste',
  roles: 'signed-in',
  summary:
    'Completes an open task with its fields (Temporal Update). Refused: wrong role/Mandant 403, wrong phase or not open 409, invalid fields 400; 202 when the gate check holds the phase',
  request: {
    params: idParams.extend({ taskId: z.string() }),
    // Each task has its own fields (domain/onlinedienst/task-catalog.ts); the workflow checks them against the
    // task's template, with German messages per field.
    body: jsonBody(z.record(z.string(), z.unknown()), "the task's fields"),
  },
  responses: {
    200: json(taskResultSchema, 'applied'),
    202: json(taskResultSchema, 'valid, but held by the gate check: its failures are listed'),
  },
  problems: [404, 409, 422],
});

export const gateRoute = apiRoute({
  method: 'post',
  path: '/{id}/gate-pruefung',
  tag: 'Onlinedienste',
  roles: ['prozesseigner', 'mandant-admin', 'projektleitung', 'awb'],
  summary: 'Runs a held gate check again now (after the master data was fixed); passing it applies the held completion',
  request: { params: idParams },
  responses: {
    200: json(taskResultSchema.nullable(), 'the gate passed and the held completion applied (null: nothing was held)'),
    202: json(taskResultSchema, 'still held: the failures are listed'),
  },
  problems: [404, 409],
});

export const abschaltungRoute = apiRoute({
  method: 'post',
  path: '/{id}/abschaltung',
  tag: 'Onlinedienste',
  roles: ['prozesseigner'],
  summary:
    'The Prozesseigner decides the shutdown: open Anträge run out (auslaufen) or are handed over (uebergeben), Mandanten are told, retention follows',
  request: { params: idParams, body: jsonBody(abschaltungSchema()) },
  responses: { 200: json(taskResultSchema, 'the shutdown began') },
  problems: [404, 409],
});

/** A result's gate report with the page that fixes each finding. */
const linked = (id: string, result: TaskUpdateResult) =>
  result.gate ? { ...result, gate: withGateLinks(id, result.gate) } : result;

export function aufgabenRoutes(deps: ApiDeps) {
  const app = router();
  const handle = (id: string) => deps.temporal.workflow.getHandle(lifecycleWorkflowId(id));

  app.openapi(completeRoute, async (c) => {
    const user = currentUser(c);
    const { id, taskId } = c.req.valid('param');
    await visibleLifecycle(deps.db, user, id);
    const fields = c.req.valid('json');
    await pruefeFormularBezug(deps.db, id, taskId, fields);
    const result = await command(`Onlinedienst ${id}`, (updateId) =>
      handle(id).executeUpdate(completeTaskUpdate, { args: [{ taskId, actor: actorOf(user), fields }], updateId }),
    );
    return result.status === 'gehalten' ? c.json(linked(id, result), 202) : c.json(linked(id, result), 200);
  });

  app.openapi(gateRoute, async (c) => {
    const user = currentUser(c);
    const { id } = c.req.valid('param');
    await visibleLifecycle(deps.db, user, id);
    const result = await command(`Onlinedienst ${id}`, (updateId) =>
      handle(id).executeUpdate(recheckGateUpdate, { args: [{ actor: actorOf(user) }], updateId }),
    );
    if (result === null) return c.json(null, 200);
    return result.status === 'gehalten' ? c.json(linked(id, result), 202) : c.json(linked(id, result), 200);
  });

  app.openapi(abschaltungRoute, async (c) => {
    const user = currentUser(c);
    const { id } = c.req.valid('param');
    await visibleLifecycle(deps.db, user, id);
    const payload = c.req.valid('json');
    const result = await command(`Onlinedienst ${id}`, (updateId) =>
      handle(id).executeUpdate(decideShutdownUpdate, { args: [{ actor: actorOf(user), payload }], updateId }),
    );
    return c.json(result, 200);
  });

  return app;
}
