// The HTTP API: small sub-apps mounted on one Hono app; cross-cutting concerns as middleware; one error format.
import { Hono } from 'hono';
import { requestId, type RequestIdVariables } from 'hono/request-id';
import { authenticate, type AuthVariables } from './auth';
import type { ApiDeps } from './deps';
import { docsPage } from './docs-page';
import { ApiRegistry } from './openapi';
import { HttpProblem, problemJson } from './problem';
import { echoRoutes } from './routes/echo';
import { healthRoutes } from './routes/health';
import { mandantenRoutes } from './routes/mandanten';
import { onlinediensteRoutes } from './routes/onlinedienste';
import { releasesRoutes } from './routes/releases';
import { rolloutRoutes } from './routes/rollout';
import { antraegeRoutes } from './routes/antraege';
import { betriebRoutes } from './routes/betrieb';
import { statusRoutes, zahlungRoutes } from './routes/status';
import { uiRoutes } from '../ui/app';

export type AppEnv = { Variables: AuthVariables & RequestIdVariables };

export function createApp(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  const registry = new ApiRegistry();

  app.use(requestId({ limitLength: 128 }));
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    deps.log.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
        user: c.get('user')?.id,
      },
      'request',
    );
  });
  app.use(authenticate(deps.authSecret));

  app.route('/', healthRoutes(deps, registry));
  app.route('/api/echo', echoRoutes(deps, registry));
  app.route('/api/mandanten', mandantenRoutes(deps, registry));
  app.route('/api/onlinedienste', onlinediensteRoutes(deps, registry));
  app.route('/api/rollout-tickets', rolloutRoutes(deps, registry));
  app.route('/api/releases', releasesRoutes(deps, registry));
  app.route('/api/antraege', antraegeRoutes(deps, registry));
  app.route('/api/status', statusRoutes(deps, registry));
  app.route('/api/zahlung', zahlungRoutes(deps, registry));
  app.route('/api', betriebRoutes(deps, registry));

  registry.add({
    method: 'get', path: '/api/me', tag: 'Anmeldung', roles: [],
    summary: 'The signed-in user with roles and Mandanten',
    response: { status: 200, description: 'the user' },
  });
  app.get('/api/me', (c) => {
    const user = c.get('user');
    if (!user) throw new HttpProblem(401, 'Nicht angemeldet', 'Bearer token required');
    return c.json(user);
  });

  const openapi = () => registry.document({ title: 'Amt24 Orchestrierung', version: deps.version, serverUrl: deps.publicBaseUrl });
  app.get('/openapi.json', (c) => c.json(openapi()));
  app.get('/docs', (c) => c.html(docsPage(openapi() as never)));
  // The web UI: server-rendered pages at / (signed in by cookie); it reads and acts through this API in-process.
  app.route('/', uiRoutes(deps, (request) => app.fetch(request)));

  app.notFound((c) => problemJson(c, new HttpProblem(404, 'Nicht gefunden', `No route for ${c.req.method} ${c.req.path}`)));
  app.onError((err, c) => {
    if (err instanceof HttpProblem) return problemJson(c, err);
    deps.log.error({ requestId: c.get('requestId'), err }, 'unhandled error');
    return problemJson(c, new HttpProblem(500, 'Interner Fehler', 'An unexpected error occurred; the request id identifies it in the logs.'));
  });
  return app;
}
