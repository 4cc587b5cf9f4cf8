// One error format for every error: RFC 9457 application/problem+json.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';

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
  415: 'https://amt24.sachsen.de/probleme/medientyp',
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

export function invalidParams(error: z.ZodError, prefix = ''): InvalidParam[] {
  return error.issues.map((issue) => ({
    name: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
    reason: issue.message,
  }));
}

export function badRequest(error: z.ZodError, where: 'body' | 'query' | 'path'): HttpProblem {
  const params = invalidParams(error);
  return new HttpProblem(400, 'Ungültige Eingabe', `Fehler in: ${params.map((p) => p.name).join(', ')}`, {
    where,
    invalidParams: params,
  });
}
