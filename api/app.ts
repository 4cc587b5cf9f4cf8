// The HTTP API: small routers mounted on one app; cross-cutting concerns as middleware; one error format; the
// OpenAPI document generated from the routes' own declarations. The web UI and the docs page are mounted next to
// it by the composition root (app/http.ts).
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { routePath } from 'hono/route';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { authenticate } from './auth';
import { edge } from './edge';
import type { ApiDeps } from './deps';
import { openApiDocument, registerSharedComponents, type OpenApiDocument } from './openapi';
import { HttpProblem, problemJson } from './problem';
import { defaultHook } from './validation';
import type { AppEnv } from './route';
import { healthRoutes } from './routes/health';
import { mandantenRoutes } from './routes/mandanten';
import { leistungenRoutes } from './routes/behoerdenkonten';
import { meRoutes } from './routes/me';
import { onlinediensteRoutes } from './routes/onlinedienste/index';
import { releasesRoutes } from './routes/releases';
import { rolloutRoutes } from './routes/rollout';
import { antraegeRoutes } from './routes/antraege/index';
import { betriebRoutes } from './routes/betrieb';
import { stoerungenRoutes } from './routes/stoerungen';
import { aufgabenRoutes } from './routes/aufgaben';
import { entwicklungRoutes } from './routes/entwicklung';
import { fitconnectRoutes } from './routes/fitconnect';
import { statistikRoutes } from './routes/statistik';
import { statusRoutes, zahlungRoutes } from './routes/status';
import { codecCors, codecRoutes } from './routes/codec';
import { entwuerfeRoutes } from './routes/entwuerfe';
import { formulareRoutes } from './routes/formulare';

export type { AppEnv };

export type Api = OpenAPIHono<AppEnv>;

export function createApi(deps: ApiDeps): Api {
  const app = new OpenAPIHono<AppEnv>({ defaultHook });
  registerSharedComponents(app.openAPIRegistry);

  app.use(requestId({ limitLength: 128 }));
  app.use(...edge({ maxBodyBytes: deps.maxBodyBytes }));
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    deps.log.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        // The pattern of the route that answered, never the path: paths carry status tokens (/status/:token).
        route: routePath(c),
        status: c.res.status,
        ms: Math.round(performance.now() - started),
        user: c.get('user')?.id,
      },
      'request',
    );
  });
  app.use('/codec/*', codecCors(deps));
  app.use(authenticate(deps.keys.bearer));

  app.route('/', healthRoutes(deps));
  app.route('/api', meRoutes());
  app.route('/api/mandanten', mandantenRoutes(deps));
  app.route('/api/leistungen', leistungenRoutes(deps));
  app.route('/api/onlinedienste', onlinediensteRoutes(deps));
  app.route('/api/rollout-tickets', rolloutRoutes(deps));
  app.route('/api/releases', releasesRoutes(deps));
  app.route('/api/antraege', antraegeRoutes(deps));
  app.route('/api/status', statusRoutes(deps));
  app.route('/api/entwuerfe', entwuerfeRoutes(deps));
  app.route('/api/formulare', formulareRoutes(deps));
  app.route('/api/zahlung', zahlungRoutes(deps));
  app.route('/api/fitconnect', fitconnectRoutes(deps));
  app.route('/api', betriebRoutes(deps));
  app.route('/api/stoerungen', stoerungenRoutes(deps));
  app.route('/api/aufgaben', aufgabenRoutes(deps));
  app.route('/api/statistik', statistikRoutes(deps));
  app.route('/api/entwicklung', entwicklungRoutes(deps));
  app.route('/codec', codecRoutes(deps));

  let doc: OpenApiDocument | undefined;
  app.get('/openapi.json', (c) => c.json((doc ??= apiDocument(app, deps))));

  app.notFound(notFoundProblem);
  app.onError(errorProblem(deps));
  return app;
}

/** The API's OpenAPI 3.1 document (also rendered by the docs page). */
export function apiDocument(app: Api, deps: Pick<ApiDeps, 'version' | 'publicBaseUrl'>): OpenApiDocument {
  return openApiDocument(app, { version: deps.version, serverUrl: deps.publicBaseUrl });
}

export const notFoundProblem: NotFoundHandler = (c) =>
  problemJson(c, new HttpProblem(404, 'Nicht gefunden', `Keine Route für ${c.req.method} ${c.req.path}.`));

const TITLES: Partial<Record<number, string>> = { 400: 'Ungültige Eingabe', 415: 'Falscher Medientyp' };

/** Every error becomes problem+json; an unexpected one is logged with the request id and answered 500. */
export function errorProblem(deps: Pick<ApiDeps, 'log'>): ErrorHandler {
  return (err, c: Context) => {
    if (err instanceof HttpProblem) return problemJson(c, err);
    // What the validators of @hono/zod-openapi refuse before our gate sees it (e.g. a malformed multipart body).
    if (err instanceof HTTPException && err.status < 500) {
      const status = err.status as ContentfulStatusCode;
      return problemJson(c, new HttpProblem(status, TITLES[status] ?? 'Ungültige Anfrage', err.message));
    }
    deps.log.error({ requestId: c.get('requestId'), err }, 'unhandled error');
    return problemJson(
      c,
      new HttpProblem(
        500,
        'Interner Fehler',
        'Ein unerwarteter Fehler ist aufgetreten; die requestId findet ihn im Protokoll.',
      ),
    );
  };
}
