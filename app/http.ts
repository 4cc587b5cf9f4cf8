// The HTTP process's composition root: the API, its docs page and the web UI on one Hono app. The UI reads and acts
// through the API in-process, with the signed-in person's own token.
import { Hono } from 'hono';
import { apiDocument, createApi, errorProblem, notFoundProblem } from '../api/app';
import type { ApiDeps } from '../api/deps';
import { DOCS_CSP, docsPage } from '../api/docs-page';
import { createMetrics } from '../api/metrics';
import { httpTracing } from '../api/tracing';
import { uiRoutes } from '../ui/app';

export function createApp(deps: ApiDeps) {
  const api = createApi(deps);
  const app = new Hono();
  const metrics = createMetrics({ db: deps.db, log: deps.log, token: deps.metricsToken });
  // Outermost: every answer counts, by route pattern; /metrics answers before the API's bearer-token middleware.
  app.use(metrics.middleware);
  if (deps.tracing) app.use(httpTracing());
  app.get('/metrics', metrics.handler);
  // First: the API's middleware (request id, request log, bearer token) runs for every path, the UI's too.
  app.route('/', api);
  app.get('/docs', (c) => c.html(docsPage(apiDocument(api, deps)), 200, { 'content-security-policy': DOCS_CSP }));
  // The web UI: server-rendered pages at / (signed in by cookie).
  app.route(
    '/',
    uiRoutes(deps, (request) => api.fetch(request)),
  );
  app.notFound(notFoundProblem);
  app.onError(errorProblem(deps));
  return app;
}
