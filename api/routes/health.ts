import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiDeps } from '../deps';
import type { ApiRegistry } from '../openapi';
import { withTimeout } from '../timeout';

export function healthRoutes(deps: ApiDeps, registry: ApiRegistry) {
  const app = new Hono();

  registry.add({
    method: 'get', path: '/healthz', tag: 'Betrieb', roles: 'public',
    summary: 'Liveness: the API process answers',
    response: { status: 200, description: 'alive', schema: z.object({ status: z.literal('ok') }) },
  });
  app.get('/healthz', (c) => c.json({ status: 'ok' as const }));

  const readySchema = z.object({
    status: z.enum(['ready', 'not-ready']),
    checks: z.record(z.string(), z.object({ ok: z.boolean(), ms: z.number(), error: z.string().optional() })),
  });
  registry.add({
    method: 'get', path: '/readyz', tag: 'Betrieb', roles: 'public',
    summary: 'Readiness: Temporal, PostgreSQL and SMTP reachable',
    response: { status: 200, description: 'ready (503 with the same body when not)', schema: readySchema },
    errors: [503],
  });
  app.get('/readyz', async (c) => {
    const results = await Promise.all(
      deps.readiness.map(async ({ name, check }) => {
        const started = performance.now();
        try {
          await withTimeout(check(), 3000, () => new Error(`${name} did not answer within 3000 ms`));
          return [name, { ok: true, ms: Math.round(performance.now() - started) }] as const;
        } catch (err) {
          return [name, { ok: false, ms: Math.round(performance.now() - started), error: (err as Error).message }] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    const ready = results.every(([, r]) => r.ok);
    if (!ready) {
      deps.log.warn({ checks }, 'not ready');
      return c.body(JSON.stringify({
        type: 'https://amt24.sachsen.de/probleme/nicht-verfuegbar', title: 'Nicht bereit', status: 503,
        detail: `Unreachable: ${results.filter(([, r]) => !r.ok).map(([n]) => n).join(', ')}`,
        requestId: c.get('requestId'), checks,
      }), 503, { 'content-type': 'application/problem+json', 'retry-after': '5' });
    }
    return c.json({ status: 'ready' as const, checks });
  });
  return app;
}
