// The UI reads and acts through the same HTTP API as every other client — in-process, with the signed-in person's
// own token — so roles, Mandant scoping, validation and workflow Updates are exactly the API's. The answers are typed
// by the API's own response schemas (z.infer of api/schemas/*).
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiDeps } from '../api/deps';
import { HttpProblem } from '../api/problem';
import type { Problem } from '../api/schemas/problem';
import type { UiContext } from './session';

export type { Problem };

export type ApiFetch = (request: Request) => Response | Promise<Response>;

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

/** An API refusal as the same refusal of the page (404 stays 404, 403 stays 403). */
export function refusal(res: ApiAnswer<unknown>): HttpProblem {
  const problem = res.body as Partial<Problem>;
  return new HttpProblem(res.status as ContentfulStatusCode, problem.title ?? 'Fehler', problem.detail ?? '');
}

export function apiClient(_deps: ApiDeps, fetchApi: ApiFetch) {
  async function call<T>(c: UiContext, method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = c.get('token');
    if (token) headers.authorization = `Bearer ${token}`;
    const requestId = c.get('requestId');
    if (requestId) headers['x-request-id'] = requestId;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetchApi(
      new Request(`http://ui.internal${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  /** A multipart call (uploads, a submission with attachments); extra headers such as Idempotency-Key. */
  async function callForm<T>(
    c: UiContext,
    method: string,
    path: string,
    form: FormData,
    extra: Record<string, string> = {},
  ): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...extra };
    const token = c.get('token');
    if (token) headers.authorization = `Bearer ${token}`;
    const requestId = c.get('requestId');
    if (requestId) headers['x-request-id'] = requestId;
    const res = await fetchApi(new Request(`http://ui.internal${path}`, { method, headers, body: form }));
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  return {
    call,
    callForm,
    /** GET that must succeed: an API refusal becomes the page's refusal. */
    async get<T>(c: UiContext, path: string): Promise<T> {
      const res = await call<T>(c, 'GET', path);
      if (res.status >= 400) throw refusal(res);
      return res.body;
    },
    async getText(c: UiContext, path: string): Promise<Response> {
      const headers: Record<string, string> = {};
      const token = c.get('token');
      if (token) headers.authorization = `Bearer ${token}`;
      return fetchApi(new Request(`http://ui.internal${path}`, { headers }));
    },
  };
}

export type ApiClient = ReturnType<typeof apiClient>;
