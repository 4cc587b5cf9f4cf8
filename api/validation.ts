// Request validation. The route declaration's zod schemas check every input (route.ts); this file refuses a wrong
// media type before they run, and turns a failed check into our problem+json: 400 with invalidParams naming each
// field, in German. Broken bodies and unstorable characters are refused before, at the edge (edge.ts).
import type { Hook } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { installGermanErrorMap, toFieldErrors } from '../domain/field-errors';
import type { AppEnv, RouteRequest } from './env';
import { badRequest, HttpProblem, toInvalidParams, type InputPart } from './problem';

// The one error map, for the whole process: every schema without a message of its own answers in the German the
// domain uses for task fields, the citizen's submission included.
installGermanErrorMap();

const JSON_TYPE = /^application\/(.+\+)?json\b/i;
const mediaTypeOf = (contentType: string) => contentType.split(';')[0]!.trim().toLowerCase();
const accepts = (declared: string, contentType: string) =>
  declared === 'application/json' ? JSON_TYPE.test(contentType) : mediaTypeOf(contentType) === declared;

/**
 * Runs before the schemas: refuses a body of a media type the route does not declare (415) and JSON that does not
 * parse (400) — an empty one, since the edge has checked every other — never a 500.
 */
export function requestGate(request: RouteRequest | undefined): MiddlewareHandler<AppEnv> {
  const mediaTypes = Object.keys(request?.body?.content ?? {});
  return async (c, next) => {
    if (mediaTypes.length > 0) {
      const contentType = c.req.header('content-type') ?? '';
      if (!mediaTypes.some((m) => accepts(m, contentType))) {
        throw new HttpProblem(415, 'Falscher Medientyp', `Erwartet wird Content-Type ${mediaTypes.join(' oder ')}.`);
      }
      if (JSON_TYPE.test(contentType)) {
        try {
          // Hono keeps the parsed body, so the validator after this reads it without parsing again.
          await c.req.json();
        } catch {
          throw new HttpProblem(400, 'Ungültige Eingabe', 'Der Inhalt der Anfrage ist kein gültiges JSON.');
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

/** The one hook every router validates with; the messages are already German (installGermanErrorMap above). */
export const defaultHook: Hook<unknown, AppEnv, string, void> = (result) => {
  if (result.success) return;
  const where = PARTS[result.target] ?? 'body';
  const whole = where === 'body' ? '(body)' : `(${where})`;
  throw badRequest(toInvalidParams(toFieldErrors(result.error), whole), where);
};
