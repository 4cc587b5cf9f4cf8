import type { Context } from 'hono';
import type { z } from 'zod';
import { badRequest, HttpProblem } from './problem';

/** Parses and validates a JSON body; bad JSON or a wrong content type gets a clear problem, never a 500. */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new HttpProblem(415, 'Falscher Medientyp', 'Expected Content-Type: application/json');
  }
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new HttpProblem(400, 'Ungültige Eingabe', 'Request body is not valid JSON');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw badRequest(parsed.error, 'body');
  return parsed.data;
}

export function queryParams<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw badRequest(parsed.error, 'query');
  return parsed.data;
}
