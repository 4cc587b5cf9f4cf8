// Sign-in for people in a browser: the same signed bearer token the API takes, kept in an HttpOnly, SameSite=Strict
// cookie; every POST carries a CSRF token bound to a per-browser cookie (signed double submit). The API itself
// keeps reading only the Authorization header, so a cookie never authorises an API call.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { RequestIdVariables } from 'hono/request-id';
import { verifyToken, type AuthVariables, type KeyRing } from '../api/auth';
import type { ApiDeps } from '../api/deps';
import { HttpProblem } from '../api/problem';

export const SESSION_COOKIE = 'amt24_sitzung';
export const CSRF_COOKIE = 'amt24_csrf';
export const CSRF_FIELD = '_csrf';

export type UiVariables = AuthVariables & RequestIdVariables & { token?: string; csrf: string };
export type UiEnv = { Variables: UiVariables };
export type UiContext = Context<UiEnv>;

function sign(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(`csrf|${value}`).digest('base64url');
}

/** Made with any key of the ring (forms rendered before a rotation still post). */
function csrfValid(keys: KeyRing<'csrf'>, browser: string, sent: string): boolean {
  const given = Buffer.from(sent);
  return keys.some((key) => {
    const expected = Buffer.from(sign(key, browser));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}

function secure(deps: ApiDeps): boolean {
  return deps.publicBaseUrl.startsWith('https:');
}

/** Reads the session cookie, issues the CSRF cookie, refuses a POST without the matching CSRF token. */
export function session(deps: ApiDeps): MiddlewareHandler<UiEnv> {
  return async (c, next) => {
    let browser = getCookie(c, CSRF_COOKIE);
    if (!browser || !/^[A-Za-z0-9_-]{43}$/.test(browser)) {
      browser = randomBytes(32).toString('base64url');
      // Lax is enough here: the cookie grants nothing by itself, and Lax survives the return from the pay page.
      setCookie(c, CSRF_COOKIE, browser, { httpOnly: true, sameSite: 'Lax', path: '/', secure: secure(deps) });
    }
    c.set('csrf', sign(deps.keys.csrf[0]!, browser));

    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      try {
        c.set('user', await verifyToken(deps.keys.bearer, token));
        c.set('token', token);
      } catch {
        deleteCookie(c, SESSION_COOKIE, { path: '/' });
      }
    }

    if (c.req.method === 'POST') {
      // {all: true} here: Hono caches the first parse, and task forms post repeated fields (checkbox groups).
      const body = await c.req.parseBody({ all: true });
      const sent = typeof body[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : '';
      if (!csrfValid(deps.keys.csrf, browser, sent))
        throw new HttpProblem(
          403,
          'Sicherheitsprüfung fehlgeschlagen',
          'Das Formular ist abgelaufen oder stammt nicht von dieser Seite. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.',
        );
    }

    await next();

    // Pages: no inline script or style, no framing, no referrer (the status page's URL carries the citizen's token).
    if (c.res.headers.get('content-type')?.startsWith('text/html')) {
      c.res.headers.set(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; frame-ancestors 'none'; base-uri 'none'",
      );
      c.res.headers.set('referrer-policy', 'no-referrer');
      c.res.headers.set('x-content-type-options', 'nosniff');
      c.res.headers.set('cache-control', 'no-store');
    }
  };
}

export function startSession(c: UiContext, deps: ApiDeps, token: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/',
    secure: secure(deps),
    maxAge: 12 * 3600,
  });
}

export function endSession(c: UiContext): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}
