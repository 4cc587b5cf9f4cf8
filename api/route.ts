// One declaration per route: path, method, who may call it, its request (params, query, headers, body) and every
// response. From it come the role check, the validation (with the one default hook) and the OpenAPI document, so
// what is served and what is documented cannot drift apart. A router file declares its routes with apiRoute() and
// serves them with router().openapi(route, handler).
import { createRoute, OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { requireRole, type Role } from './auth';
import { allowBody } from './edge';
import type { AppEnv } from './env';
import { defaultHook, requestGate } from './validation';

export type { AppEnv };

/** 'public': no token needed; 'signed-in': any role; otherwise a signed-in user holding one of the roles. */
export type Access = 'public' | 'signed-in' | readonly Role[];

/** Problem statuses a route can answer with; each has a shared response in the document (openapi.ts). */
export const PROBLEM_STATUSES = [400, 401, 403, 404, 409, 413, 415, 422, 429, 503] as const;
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];

export type ApiTag =
  | 'Anmeldung'
  | 'Betrieb'
  | 'Mandanten'
  | 'Onlinedienste'
  | 'Aktivierungen'
  | 'Formulare'
  | 'Rollout'
  | 'Releases'
  | 'Anträge'
  | 'Bürger';

export interface RouteDeclaration extends Omit<RouteConfig, 'middleware' | 'hide' | 'tags' | 'security'> {
  tag: ApiTag;
  roles: Access;
  /**
   * Problems the handler answers with besides those the declaration implies (400 for invalid input, 415 for a body
   * of another media type, 401/403 for the roles).
   */
  problems?: readonly ProblemStatus[];
  /**
   * Largest body read at all, in bytes (413 beyond), where a route needs more than the one limit every route has
   * (edge.ts, API_MAX_BODY_BYTES); checked at the edge before anything reads the body.
   */
  maxBodyBytes?: number;
}

/** What apiRoute() returns: the declaration as @hono/zod-openapi takes it, typed by the declared schemas. */
export type ApiRoute<R extends RouteDeclaration> = Omit<R, 'tag' | 'roles' | 'problems' | 'maxBodyBytes'> & {
  middleware: MiddlewareHandler<AppEnv>[];
  getRoutingPath(): string;
};

/** The role check the declaration's `roles` stand for; it runs before any input is read. */
export function authorize(roles: Access): MiddlewareHandler<AppEnv> {
  if (roles === 'public') return async (_c, next) => next();
  // requireRole() serves the UI's pages too, so it is typed for the one variable it reads.
  return requireRole(...(roles === 'signed-in' ? [] : roles)) as MiddlewareHandler as MiddlewareHandler<AppEnv>;
}

export function apiRoute<const R extends RouteDeclaration>(declaration: R): ApiRoute<R> {
  const { tag, roles, problems = [], maxBodyBytes, ...route } = declaration;
  const request = route.request;
  const hasInput = Boolean(request?.params || request?.query || request?.headers || request?.body);
  const implied: ProblemStatus[] = [
    ...(hasInput ? [400 as const] : []),
    ...(request?.body ? [415 as const] : []),
    ...(roles === 'public' ? [] : [401 as const]),
    ...(Array.isArray(roles) && roles.length > 0 ? [403 as const] : []),
    ...(request?.body ? [413 as const] : []),
  ];
  const responses: RouteConfig['responses'] = { ...route.responses };
  for (const status of [...new Set([...implied, ...problems])].sort()) {
    responses[status] ??= { $ref: `#/components/responses/Problem${status}` };
  }
  const who =
    roles === 'public'
      ? { security: [] }
      : { security: [{ bearer: [] }], 'x-roles': roles === 'signed-in' ? ['(any signed-in user)'] : [...roles] };
  return createRoute({
    ...route,
    tags: [tag],
    ...who,
    middleware: [
      ...(maxBodyBytes ? [allowBody(maxBodyBytes) as MiddlewareHandler<AppEnv>] : []),
      authorize(roles),
      requestGate(request),
    ],
    responses,
  }) as unknown as ApiRoute<R>;
}

/**
 * Serves a route whose body comes in more than one media type (JSON or multipart). @hono/zod-openapi checks a
 * required body against every declared type at once; served with the body optional, each type's validator checks
 * only a request of its own type, and the gate (validation.ts) has already refused any other type or none, so the
 * body stays required in effect. The document is registered from the declaration itself and says so.
 */
export function openapiEitherBody<R extends ApiRoute<RouteDeclaration>>(
  app: OpenAPIHono<AppEnv>,
  route: R,
  handler: Parameters<typeof app.openapi<R>>[1],
): void {
  const request = route.request!;
  const served = { ...route, hide: true, request: { ...request, body: { ...request.body!, required: false } } };
  app.openapi(served as unknown as R, handler);
  const { middleware: _middleware, getRoutingPath: _path, ...documented } = route;
  app.openAPIRegistry.registerPath(documented as RouteConfig);
}

/** A router: its routes validate with the one default hook. */
export function router() {
  return new OpenAPIHono<AppEnv>({ defaultHook });
}

/** A JSON response of the declaration: its schema documents the answer and types the handler's c.json(). */
export const json = <S extends z.ZodType>(schema: S, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A required JSON request body. */
export const jsonBody = <S extends z.ZodType>(schema: S, description?: string) => ({
  required: true,
  ...(description ? { description } : {}),
  content: { 'application/json': { schema } },
});
