// Liveness and readiness for the orchestrator that runs the process.
import { apiRoute, json, router } from '../route';
import type { ApiDeps } from '../deps';
import { healthSchema, notReadySchema, readySchema } from '../schemas/betrieb';
import { withTimeout } from '../timeout';

export const healthzRoute = apiRoute({
  method: 'get',
  path: '/healthz',
  tag: 'Betrieb',
  roles: 'public',
  summary: 'Liveness: the API process answers',
  responses: { 200: json(healthSchema, 'alive') },
});

export const readyzRoute = apiRoute({
  method: 'get',
  path: '/readyz',
  tag: 'Betrieb',
  roles: 'public',
  summary: 'Readiness: Temporal and PostgreSQL, what the API uses, reachable',
  responses: {
    200: json(readySchema, 'ready'),
    503: {
      description: 'not ready: the checks that failed (Retry-After: 5)',
      content: { 'application/problem+json': { schema: notReadySchema } },
    },
  },
});

export function healthRoutes(deps: ApiDeps) {
  const app = router();

  app.openapi(healthzRoute, (c) => c.json({ status: 'ok' as const }, 200));

  app.openapi(readyzRoute, async (c) => {
    const results = await Promise.all(
      deps.readiness.map(async ({ name, check }) => {
        const started = performance.now();
        try {
          await withTimeout(check(), 3000, () => new Error(`${name} did not answer within 3000 ms`));
          return [name, { ok: true, ms: Math.round(performance.now() - started) }] as const;
        } catch (err) {
          return [
            name,
            { ok: false, ms: Math.round(performance.now() - started), error: (err as Error).message },
          ] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    if (results.every(([, r]) => r.ok)) return c.json({ status: 'ready' as const, checks }, 200);
    deps.log.warn({ checks }, 'not ready');
    const unreachable = results.filter(([, r]) => !r.ok).map(([n]) => n);
    return c.json(
      {
        type: 'https://amt24.sachsen.de/probleme/nicht-verfuegbar',
        title: 'Nicht bereit',
        status: 503,
        detail: `Unreachable: ${unreachable.join(', ')}`,
        requestId: c.get('requestId'),
        checks,
      },
      503,
      { 'content-type': 'application/problem+json', 'retry-after': '5' },
    );
  });
  return app;
}
