// The one HTTP caller of the tests: every test that talks to the API over a socket goes through `api()`. It signs in
// as a demo user by id (tokens are signed once per secret and user, then cached) or sends a given token, sends JSON
// or a raw body, never follows redirects (a 303 is an answer to check), and parses the answer's JSON.
import { demoUsers, signToken } from '../../api/auth';
import { deriveKeys } from '../../runtime/keys';

export interface ApiRequest {
  /** a demo user's id (`pe-smk`, `admin-leipzig`, …): the call carries that user's bearer token */
  user?: string;
  /** a bearer token as it is (forged, foreign, expired …); wins over `user` */
  token?: string;
  /** sent as JSON */
  body?: unknown;
  /** sent as it is (bad JSON, a form, multipart); a string goes as `contentType`, default application/json */
  rawBody?: string | FormData | Uint8Array;
  contentType?: string;
  /** extra headers; they win over the ones the caller sets (e.g. a malformed authorization) */
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** the content-type header ('' without one) */
  type: string;
  /** the JSON answer parsed; {} for an empty answer, { raw } for one that is not JSON */
  body: any;
  text: string;
  bytes: Buffer;
}

export type Api = (method: string, path: string, request?: ApiRequest) => Promise<ApiResponse>;

const tokens = new Map<string, Promise<string>>();

/** The bearer token of a demo user under the master `secret` (AUTH_SECRET), signed once per run. */
export function demoToken(secret: string, userId: string): Promise<string> {
  const key = `${secret}\n${userId}`;
  let token = tokens.get(key);
  if (!token) {
    const user = demoUsers.find((u) => u.id === userId);
    if (!user) throw new Error(`no demo user ${userId}`);
    token = signToken(deriveKeys([secret]).bearer, user);
    tokens.set(key, token);
  }
  return token;
}

function parse(text: string): unknown {
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    return { raw: text };
  }
}

/** A caller for the server at `base` (a path may also be a whole URL, e.g. a back-link the API handed out). */
export function httpClient(base: string, secret: string): Api {
  return async (method, path, request = {}) => {
    const headers: Record<string, string> = {};
    const token = request.token ?? (request.user ? await demoToken(secret, request.user) : undefined);
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | FormData | Uint8Array | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = request.contentType ?? 'application/json';
    } else if (request.rawBody !== undefined) {
      body = request.rawBody;
      // A FormData body gets its multipart boundary from fetch itself.
      const type = request.contentType ?? (typeof body === 'string' ? 'application/json' : undefined);
      if (type) headers['content-type'] = type;
    }
    Object.assign(headers, request.headers);
    const url = /^https?:\/\//.test(path) ? path : `${base}${path}`;
    const res = await fetch(url, { method, headers, body, redirect: 'manual' });
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    return {
      status: res.status,
      headers: res.headers,
      type: res.headers.get('content-type') ?? '',
      body: parse(text),
      text,
      bytes,
    };
  };
}
