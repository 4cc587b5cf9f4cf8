// The Onlinedienst lifecycle over HTTP: list what the caller may see, the task inbox, the live state and the audit
// trail. Mounted here too: starting a lifecycle (start.ts), tasks and the shutdown (aufgaben.ts), events
// (ereignisse.ts), the activations (aktivierungen.ts) and their Prozessparameter (prozessparameter.ts), the
// modeller's form+process versions and stages (formulare.ts).
import { z } from '@hono/zod-openapi';
import { listOnlinedienstAudit } from '../../../db/stores/audit';
import { listLifecycles, listOpenTasks } from '../../../db/stores/onlinedienst';
import { withGateLinks } from '../../../domain/onlinedienst/gate-links';
import { PHASE_IDS } from '../../../domain/onlinedienst/phases';
import { lifecycleStateQuery, lifecycleWorkflowId } from '../../../messages/onlinedienst';
import { canAccessMandant, currentUser } from '../../auth';
import { workflowUiUrl, type ApiDeps } from '../../deps';
import { apiRoute, json, router } from '../../route';
import { auditListSchema, inboxSchema, lifecycleDetailSchema, lifecycleListSchema } from '../../schemas/onlinedienst';
import { query } from '../../workflow-calls';
import { canSee, idParams, READERS, scopedView, visibleLifecycle } from './access';
import { aktivierungenRoutes } from './aktivierungen';
import { aufgabenRoutes } from './aufgaben';
import { ereignisseRoutes } from './ereignisse';
import { formulareRoutes } from './formulare';
import { prozessparameterRoutes } from './prozessparameter';
import { startRoutes } from './start';
import { mitAutomatischenBefunden } from './formular-bezug';

export const listRoute = apiRoute({
  method: 'get',
  path: '/',
  tag: 'Onlinedienste',
  roles: READERS,
  summary: 'Lists the lifecycles the caller may see (from the PostgreSQL projection)',
  request: { query: z.object({ phase: z.enum(PHASE_IDS).optional() }) },
  responses: { 200: json(lifecycleListSchema, 'lifecycles') },
});

export const inboxRoute = apiRoute({
  method: 'get',
  path: '/aufgaben',
  tag: 'Onlinedienste',
  roles: READERS,
  summary: "The caller's inbox: open lifecycle tasks for the caller's roles and Mandanten, earliest deadline first",
  responses: { 200: json(inboxSchema, 'open tasks') },
});

export const stateRoute = apiRoute({
  method: 'get',
  path: '/{id}',
  tag: 'Onlinedienste',
  roles: READERS,
  summary:
    'Live state of the lifecycle (workflow query): phase, open tasks with deadlines, history, gate, rollout, release checks',
  request: { params: idParams },
  responses: { 200: json(lifecycleDetailSchema, 'the lifecycle') },
  problems: [404],
});

export const auditRoute = apiRoute({
  method: 'get',
  path: '/{id}/audit',
  tag: 'Onlinedienste',
  roles: ['prozesseigner', 'awb', 'projektleitung'],
  summary: "The Onlinedienst's audit trail: every transition with actor, time and reason",
  request: { params: idParams },
  responses: { 200: json(auditListSchema, 'audit entries, oldest first') },
  problems: [404],
});

export function onlinediensteRoutes(deps: ApiDeps) {
  const app = router();

  app.openapi(listRoute, async (c) => {
    const user = currentUser(c);
    const rows = (await listLifecycles(deps.db, c.req.valid('query'))).filter((r) => canSee(user, r));
    const items = rows.map((r) => ({
      onlinedienstId: r.onlinedienst_id,
      name: r.name,
      mandantId: r.mandant_id,
      prozesseigner: r.prozesseigner,
      phase: r.phase,
      recertification: r.recertification,
      releaseCheckState: r.release_check_state,
      mandanten: r.mandanten,
      endedAt: r.ended_at,
    }));
    return c.json({ items }, 200);
  });

  // Before /{id}: "aufgaben" is not an Onlinedienst (and no Onlinedienst may be called so).
  app.openapi(inboxRoute, async (c) => {
    const user = currentUser(c);
    const rows = await listOpenTasks(deps.db, user.roles);
    const items = rows
      // Tasks of one Mandant's activation go to that Mandant only; the others to whoever may see the Onlinedienst.
      .filter((r) =>
        r.mandant_id === null
          ? canSee(user, { prozesseigner: r.prozesseigner, mandant_id: r.traeger, mandanten: r.mandanten })
          : canAccessMandant(user, r.mandant_id),
      )
      .map((r) => ({
        onlinedienstId: r.onlinedienst_id,
        name: r.name,
        taskId: r.task_id,
        title: r.title,
        role: r.role,
        mandantId: r.mandant_id,
        phase: r.phase,
        dueAt: r.due_at,
        reminders: r.reminders,
      }));
    return c.json({ items }, 200);
  });

  app.openapi(stateRoute, async (c) => {
    const user = currentUser(c);
    const { id } = c.req.valid('param');
    await visibleLifecycle(deps.db, user, id);
    const workflowId = lifecycleWorkflowId(id);
    const view = await query(`Onlinedienst ${id}`, () =>
      deps.temporal.workflow.getHandle(workflowId).query(lifecycleStateQuery),
    );
    const shown = await mitAutomatischenBefunden(deps.db, id, scopedView(user, view));
    const gate = { ...shown.gate, last: shown.gate.last ? withGateLinks(id, shown.gate.last) : null };
    return c.json({ ...shown, gate, temporalUiUrl: workflowUiUrl(deps, workflowId) }, 200);
  });

  app.openapi(auditRoute, async (c) => {
    const { id } = c.req.valid('param');
    await visibleLifecycle(deps.db, currentUser(c), id);
    return c.json({ items: await listOnlinedienstAudit(deps.db, id) }, 200);
  });

  app.route('/', startRoutes(deps));
  app.route('/', aufgabenRoutes(deps));
  app.route('/', ereignisseRoutes(deps));
  app.route('/', aktivierungenRoutes(deps));
  app.route('/', prozessparameterRoutes(deps));
  app.route('/', formulareRoutes(deps));
  return app;
}
