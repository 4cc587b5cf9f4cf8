// The OpenAPI 3.1 document. Every path in it comes from a route declaration (route.ts); this file adds what they
// share: the bearer scheme, the problem format and one response per problem status.
import type { OpenAPIHono } from '@hono/zod-openapi';
import { PROBLEM_STATUSES, type AppEnv } from './route';
import { problemSchema } from './schemas/problem';

type OpenAPIRegistry = OpenAPIHono['openAPIRegistry'];

const PROBLEM_TEXT: Record<number, string> = {
  400: 'invalid input: invalidParams names each field',
  401: 'not signed in: bearer token missing, invalid or expired',
  403: "the caller's roles do not allow this",
  404: 'not found, or not visible to the caller (existence is not leaked across Mandanten)',
  409: 'conflict with the current state',
  413: 'too large',
  415: 'unsupported media type',
  422: 'not processable (e.g. unknown form version)',
  429: 'too many submissions this second (global or per-Mandant limit): nothing was stored; see Retry-After',
  503: 'not available right now (see Retry-After)',
};

export function registerSharedComponents(registry: OpenAPIRegistry): void {
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  registry.register('Problem', problemSchema);
  for (const status of PROBLEM_STATUSES) {
    registry.registerComponent('responses', `Problem${status}`, {
      description: `Problem (${status}): ${PROBLEM_TEXT[status]}`,
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    });
  }
}

/** e.g. putApiMandantenId, from the full path: a router declares its paths relative to where it is mounted. */
function operationId(method: string, path: string): string {
  return `${method}${path
    .replace(/[{}]/g, '')
    .replace(/\/(\w)/g, (_, ch: string) => ch.toUpperCase())
    .replace(/[^A-Za-z0-9]/g, '')}`;
}

export function openApiDocument(app: OpenAPIHono<AppEnv>, info: { version: string; serverUrl: string }) {
  const doc = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Amt24 Orchestrierung',
      version: info.version,
      description: 'Orchestrierung der Amt24-Onlinedienste und Anträge.',
    },
    servers: [{ url: info.serverUrl }],
  });
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item as Record<string, { operationId?: string }>)) {
      op.operationId ??= operationId(method, path);
    }
  }
  return doc;
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;
