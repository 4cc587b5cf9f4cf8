// The UI reads and acts through the same HTTP API as every other client — in-process, with the signed-in person's
// own token — so roles, Mandant scoping, validation and workflow Updates are exactly the API's.
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiDeps } from '../api/deps';
import { HttpProblem } from '../api/problem';
import type { UiContext } from './session';

export type ApiFetch = (request: Request) => Response | Promise<Response>;

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

export interface Problem {
  title?: string;
  detail?: string;
  code?: string;
  invalidParams?: { name: string; reason: string }[];
}

export function apiClient(_deps: ApiDeps, fetchApi: ApiFetch) {
  async function call<T>(c: UiContext, method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = c.get('token');
    if (token) headers.authorization = `Bearer ${token}`;
    const requestId = c.get('requestId');
    if (requestId) headers['x-request-id'] = requestId;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetchApi(new Request(`http://ui.internal${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }));
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  return {
    call,
    /** GET that must succeed: an API refusal becomes the same refusal as a page (404 stays 404, 403 stays 403). */
    async get<T>(c: UiContext, path: string): Promise<T> {
      const res = await call<T & Problem>(c, 'GET', path);
      if (res.status >= 400) throw new HttpProblem(res.status as ContentfulStatusCode, res.body.title ?? 'Fehler', res.body.detail ?? '');
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
