// Request validation. The route declaration's zod schemas check every input (route.ts); this file refuses a wrong
// media type or broken JSON before they run, and turns a failed check into our problem+json: 400 with invalidParams
// naming each field, in German.
import type { Hook } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { parseFields } from '../domain/field-errors';
import type { AppEnv, RouteRequest } from './env';
import { badRequest, HttpProblem, invalidParams, toInvalidParams, type InputPart } from './problem';

const JSON_TYPE = /^application\/(.+\+)?json\b/i;
const mediaTypeOf = (contentType: string) => contentType.split(';')[0]!.trim().toLowerCase();
const accepts = (declared: string, contentType: string) =>
  declared === 'application/json' ? JSON_TYPE.test(contentType) : mediaTypeOf(contentType) === declared;

/**
 * Runs before the schemas: refuses a body of a media type the route does not declare (415) and JSON that does not
 * parse (400), never a 500; and remembers the declaration for the hook below.
 */
export function requestGate(request: RouteRequest | undefined): MiddlewareHandler<AppEnv> {
  const mediaTypes = Object.keys(request?.body?.content ?? {});
  return async (c, next) => {
    c.set('declaredRequest', request);
    if (mediaTypes.length > 0) {
      const contentType = c.req.header('content-type') ?? '';
      if (!mediaTypes.some((m) => accepts(m, contentType))) {
        throw new HttpProblem(415, 'Falscher Medientyp', `Expected Content-Type: ${mediaTypes.join(' or ')}`);
      }
      if (JSON_TYPE.test(contentType)) {
        try {
          // Hono keeps the parsed body, so the validator after this reads it without parsing again.
          await c.req.json();
        } catch {
          throw new HttpProblem(400, 'Ungültige Eingabe', 'Request body is not valid JSON');
        }
      }
    }
    await next();
  };
}

const PARTS: Record<string, InputPart> = {
  json: 'body',
  form: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
};

function declaredSchema(request: RouteRequest | undefined, target: string): z.ZodType | undefined {
  const content = request?.body?.content ?? {};
  const bodySchema = (match: (type: string) => boolean) => {
    const type = Object.keys(content).find(match);
    const media = type ? content[type] : undefined;
    return media && 'schema' in media ? (media.schema as z.ZodType) : undefined;
  };
  switch (target) {
    case 'json':
      return bodySchema((t) => JSON_TYPE.test(t));
    case 'form':
      return bodySchema((t) => t.startsWith('multipart/') || t === 'application/x-www-form-urlencoded');
    case 'query':
      return request?.query;
    case 'param':
      return request?.params;
    case 'header':
      return Array.isArray(request?.headers) ? undefined : request?.headers;
    default:
      return undefined;
  }
}

/**
 * The one hook every router validates with. zod checks without our messages; the failed input is checked once more
 * with the German error map the domain uses for task fields, so every refusal reads the same.
 */
export const defaultHook: Hook<unknown, AppEnv, string, void> = (result, c) => {
  if (result.success) return;
  const where = PARTS[result.target] ?? 'body';
  const schema = declaredSchema(c.get('declaredRequest'), result.target);
  const german = schema ? parseFields(schema, (result as { data?: unknown }).data) : undefined;
  const whole = where === 'body' ? '(body)' : `(${where})`;
  throw badRequest(
    german && !german.ok ? toInvalidParams(german.fieldErrors, whole) : invalidParams(result.error),
    where,
  );
};
