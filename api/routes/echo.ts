import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { Hono } from 'hono';
import { z } from 'zod';
import { currentUser, requireRole, type AuthVariables } from '../auth';
import { workflowUiUrl, type ApiDeps } from '../deps';
import type { ApiRegistry } from '../openapi';
import { HttpProblem } from '../problem';
import { withTimeout } from '../timeout';
import { jsonBody } from '../validation';

const echoRequest = z.object({
  message: z.string().min(1).max(2000),
  /** Business id chosen by the caller; retries with the same id return the same run's result. */
  id: z.string().regex(/^[A-Za-z0-9._-]{1,80}$/, 'letters, digits, . _ - (max 80)').optional(),
  notify: z.email().optional(),
});
const echoResponse = z.object({
  workflowId: z.string(),
  message: z.string(),
  auditId: z.string(),
  mailMessageId: z.string().optional(),
  temporalUiUrl: z.string().optional(),
});

export function echoRoutes(deps: ApiDeps, registry: ApiRegistry) {
  const app = new Hono<{ Variables: AuthVariables }>();
  registry.add({
    method: 'post', path: '/api/echo', tag: 'Betrieb', roles: [],
    summary: 'Runs the echo workflow end to end (API → Temporal → worker → PostgreSQL → mail) and returns its result',
    body: echoRequest,
    response: { status: 200, description: 'the workflow result', schema: echoResponse },
    errors: [503],
  });
  app.post('/', requireRole(), async (c) => {
    const user = currentUser(c);
    const input = await jsonBody(c, echoRequest);
    const workflowId = `echo-${input.id ?? randomUUID()}`;
    let handle;
    try {
      handle = await deps.temporal.workflow.start('echoWorkflow', {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [{ message: input.message, requestedBy: user.id, notify: input.notify }],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      handle = deps.temporal.workflow.getHandle(workflowId);
    }
    const result = (await withTimeout(handle.result(), 20_000, () => new HttpProblem(503, 'Zeitüberschreitung',
      `Workflow ${workflowId} is running but did not finish within 20 s (is a worker running?)`, { workflowId }),
    )) as { message: string; auditId: string; mailMessageId?: string };
    return c.json({ workflowId, ...result, temporalUiUrl: workflowUiUrl(deps, workflowId) });
  });
  return app;
}
