// One error format for every error: RFC 9457 application/problem+json.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { FieldError } from '../domain/field-errors';

export interface InvalidParam {
  name: string;
  reason: string;
}

export class HttpProblem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
    this.name = 'HttpProblem';
  }
}

export const problemTypes = {
  400: 'https://amt24.sachsen.de/probleme/ungueltige-anfrage',
  401: 'https://amt24.sachsen.de/probleme/nicht-angemeldet',
  403: 'https://amt24.sachsen.de/probleme/keine-berechtigung',
  404: 'https://amt24.sachsen.de/probleme/nicht-gefunden',
  409: 'https://amt24.sachsen.de/probleme/konflikt',
  413: 'https://amt24.sachsen.de/probleme/zu-gross',
  415: 'https://amt24.sachsen.de/probleme/medientyp',
  429: 'https://amt24.sachsen.de/probleme/zu-viele-anfragen',
  503: 'https://amt24.sachsen.de/probleme/nicht-verfuegbar',
} as Record<number, string>;

export function problemJson(c: Context, problem: HttpProblem): Response {
  const body = {
    type: problemTypes[problem.status] ?? 'about:blank',
    title: problem.title,
    status: problem.status,
    ...(problem.detail ? { detail: problem.detail } : {}),
    instance: c.req.path,
    requestId: c.get('requestId'),
    ...problem.extra,
  };
  return c.body(JSON.stringify(body), problem.status, {
    'content-type': 'application/problem+json',
    ...problem.headers,
  });
}

/** zod's own messages, for a schema the German messages cannot be had for (see validation.ts). */
export function invalidParams(error: z.ZodError, prefix = ''): InvalidParam[] {
  return error.issues.map((issue) => ({
    name: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
    reason: issue.message,
  }));
}

/** The domain's German field messages as problem+json invalidParams. */
export function toInvalidParams(fieldErrors: FieldError[], whole = '(body)'): InvalidParam[] {
  return fieldErrors.map((f) => ({ name: f.path || whole, reason: f.message }));
}

export type InputPart = 'body' | 'query' | 'path' | 'header';

/** 400 naming every invalid field, as the validation of every declared route answers. */
export function badRequest(params: InvalidParam[], where: InputPart): HttpProblem {
  return new HttpProblem(400, 'Ungültige Eingabe', `Fehler in: ${params.map((p) => p.name).join(', ')}`, {
    where,
    invalidParams: params,
  });
}
