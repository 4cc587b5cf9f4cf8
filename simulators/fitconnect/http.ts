// HTTP helpers: problem+json answers, bounded bodies, JSON objects.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_BODY_BYTES, MAX_PAGE } from './limits';

/** Thrown anywhere while handling a request; answered as problem+json with its status. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
  ) {
    super(detail ?? title);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendProblem(res: ServerResponse, problem: HttpProblem): void {
  const { status, title, detail } = problem;
  const body = { type: 'about:blank', title, status, ...(detail ? { detail } : {}) };
  sendJson(res, status, body, 'application/problem+json');
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpProblem(413, 'Payload Too Large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function parseJson(body: Buffer): Record<string, unknown> {
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new HttpProblem(400, 'Bad Request', 'body is not a JSON object');
  }
}

/** offset and limit of a list request; FIT-Connect pages hold at most MAX_PAGE entries. */
export function page(query: URLSearchParams, defaultLimit: number): { offset: number; limit: number } {
  const offset = Math.max(0, Number(query.get('offset') ?? 0) || 0);
  const limit = Math.min(MAX_PAGE, Math.max(1, Number(query.get('limit') ?? defaultLimit) || defaultLimit));
  return { offset, limit };
}

export const unprocessable = (detail: string) => new HttpProblem(422, 'Unprocessable Entity', detail);
export const conflict = (detail: string) => new HttpProblem(409, 'Conflict', detail);
export const notFound = (detail?: string) => new HttpProblem(404, 'Not Found', detail);
export const forbidden = (detail?: string) => new HttpProblem(403, 'Forbidden', detail);
