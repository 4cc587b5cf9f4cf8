// The OpenAPI 3.1 document is generated from the same zod schemas that validate requests, so it cannot drift.
import { z } from 'zod';
import type { Role } from './auth';

export interface OperationDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI style: /api/mandanten/{id} */
  path: string;
  summary: string;
  tag: string;
  /** Roles allowed; 'public' for no authentication; [] for any signed-in user. */
  roles: Role[] | 'public';
  body?: z.ZodType;
  query?: z.ZodType;
  response: { status: number; description: string; schema?: z.ZodType; contentType?: string };
  errors?: number[];
}

export class ApiRegistry {
  readonly operations: OperationDoc[] = [];

  add(op: OperationDoc): void {
    this.operations.push(op);
  }

  document(info: { title: string; version: string; serverUrl: string }) {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const op of this.operations) {
      const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
        name: m[1],
        in: 'path',
        required: true,
        schema: { type: 'string' },
      }));
      const query = op.query ? querySchemaParams(op.query) : [];
      const errors = op.errors ?? [];
      const responses: Record<string, unknown> = {
        [op.response.status]: {
          description: op.response.description,
          ...(op.response.schema
            ? { content: { [op.response.contentType ?? 'application/json']: { schema: toSchema(op.response.schema) } } }
            : {}),
        },
      };
      const allErrors = new Set([...errors, ...(op.body || op.query ? [400] : []), ...(op.roles === 'public' ? [] : [401, 403])]);
      for (const status of [...allErrors].sort()) {
        responses[status] = { $ref: `#/components/responses/Problem${status}` };
      }
      (paths[op.path] ??= {})[op.method] = {
        summary: op.summary,
        tags: [op.tag],
        operationId: `${op.method}${op.path.replace(/[{}]/g, '').replace(/\/(\w)/g, (_, ch: string) => ch.toUpperCase()).replace(/[^A-Za-z0-9]/g, '')}`,
        ...(op.roles === 'public'
          ? { security: [] }
          : { security: [{ bearer: [] }], 'x-roles': op.roles.length ? op.roles : ['(any signed-in user)'] }),
        parameters: [...params, ...query],
        ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(op.body) } } } } : {}),
        responses,
      };
    }
    const problemStatuses = [400, 401, 403, 404, 409, 413, 415, 422, 503];
    return {
      openapi: '3.1.0',
      info: { title: info.title, version: info.version, description: 'Orchestrierung der Amt24-Onlinedienste und Anträge.' },
      servers: [{ url: info.serverUrl }],
      paths,
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        schemas: { Problem: problemSchema },
        responses: Object.fromEntries(
          problemStatuses.map((s) => [
            `Problem${s}`,
            { description: `Problem (${s})`, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
          ]),
        ),
      },
    };
  }
}

function toSchema(schema: z.ZodType): unknown {
  return z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' });
}

function querySchemaParams(schema: z.ZodType) {
  const json = toSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: s,
  }));
}

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
    invalidParams: {
      type: 'array',
      items: { type: 'object', properties: { name: { type: 'string' }, reason: { type: 'string' } } },
    },
  },
};
