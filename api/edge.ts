// The edge: what every request meets before any route reads it, and every response leaves with. One body-size
// limit (a route may declare a larger one), bodies that do not parse refused, no character PostgreSQL text or XML
// 1.0 cannot hold (NUL, other C0 controls, lone surrogates, U+FFFE/U+FFFF) in any path, query, header or body value,
// and the security headers on every answer, JSON as well as pages. Mounted once, for the API and the UI alike.
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { matchedRoutes } from 'hono/route';
import { secureHeaders } from 'hono/secure-headers';
import { badRequest, HttpProblem, type InputPart, type InvalidParam } from './problem';

/** Default largest request body, in bytes, when neither the configuration nor the route says otherwise. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

// Allowed by XML 1.0: TAB, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, and U+10000 up (as surrogate pairs). PostgreSQL
// text refuses NUL. Everything else here is one of them.
const UNSTORABLE =
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/** The first character a text column or an XML document cannot hold, as U+XXXX, or undefined. */
export function unstorableChar(text: string): string | undefined {
  const m = UNSTORABLE.exec(text);
  return m ? `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}

export const unstorableReason = (char: string) => `Enthält ein unzulässiges Steuer- oder Sonderzeichen (${char}).`;

/** A name that is itself hostile is shown with U+FFFD in its place. */
const printable = (name: string) => name.replace(UNSTORABLE_ALL, '\uFFFD');

export interface Unstorable {
  /** path inside the value, as zod names it */
  path: (string | number)[];
  char: string;
}

/** Every string (object keys too) in a parsed JSON value that holds an unstorable character; iterative, any depth. */
export function findUnstorable(value: unknown): Unstorable[] {
  const found: Unstorable[] = [];
  const stack: Array<{ value: unknown; path: (string | number)[] }> = [{ value, path: [] }];
  while (stack.length > 0 && found.length < 20) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const char = unstorableChar(v);
      if (char) found.push({ path, char });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: [...path, i] });
    } else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v).reverse()) {
        const char = unstorableChar(k);
        if (char) found.push({ path: [...path, k], char });
        else stack.push({ value: child, path: [...path, k] });
      }
    }
  }
  return found;
}

/** A route's own largest body (an upload), declared with the route (route.ts); others get the default. */
const declaredLimits = new WeakMap<object, number>();

export function allowBody(maxBytes: number): MiddlewareHandler {
  const marker: MiddlewareHandler = async (_c, next) => next();
  declaredLimits.set(marker, maxBytes);
  return marker;
}

// A handler of a mounted app is wrapped with the app's error handler; Hono keeps the original here.
const COMPOSED = '__COMPOSED_HANDLER';
function declaredLimit(c: Context): number | undefined {
  for (const route of matchedRoutes(c)) {
    let h: unknown = route.handler;
    while (h && typeof h === 'function' && !declaredLimits.has(h))
      h = (h as unknown as Record<string, unknown>)[COMPOSED];
    if (h && declaredLimits.has(h)) return declaredLimits.get(h);
  }
  return undefined;
}

function limits(defaultBytes: number): MiddlewareHandler {
  const bySize = new Map<number, MiddlewareHandler>();
  const limiter = (maxSize: number) => {
    let m = bySize.get(maxSize);
    if (!m) {
      const mib = (maxSize / 1024 / 1024).toLocaleString('de-DE', { maximumFractionDigits: 1 });
      m = bodyLimit({
        maxSize,
        onError: () => {
          throw new HttpProblem(413, 'Anfrage zu groß', `Der Inhalt der Anfrage ist größer als ${mib} MiB.`, {
            invalidParams: [{ name: '(body)', reason: `höchstens ${maxSize} Bytes` }],
          });
        },
      });
      bySize.set(maxSize, m);
    }
    return m;
  };
  return (c, next) => limiter(declaredLimit(c) ?? defaultBytes)(c, next);
}

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;
const FORM_TYPES = new Set(['multipart/form-data', 'application/x-www-form-urlencoded']);

/** The parameter names of the route that will answer, by position in the path ('(path)' where none). */
function pathNames(c: Context): string[] {
  const route = matchedRoutes(c)
    .filter((r) => r.method !== 'ALL')
    .at(-1);
  return (route?.path ?? '').split('/').map((s) => (s.startsWith(':') ? s.slice(1).replace(/[{?].*$/, '') : ''));
}

async function bodyValues(c: Context, mediaType: string): Promise<InvalidParam[]> {
  if (JSON_TYPE.test(mediaType)) {
    // An empty body is no body: a route that needs one says so itself.
    if ((await c.req.text()).trim() === '') return [];
    let value: unknown;
    try {
      // Hono keeps the body read, so the route's validator reads it without reading again.
      value = await c.req.json();
    } catch {
      throw new HttpProblem(400, 'Ungültige Eingabe', 'Der Inhalt der Anfrage ist kein gültiges JSON.', {
        where: 'body',
        invalidParams: [{ name: '(body)', reason: 'Kein gültiges JSON.' }],
      });
    }
    return findUnstorable(value).map((u) => ({
      name: printable(u.path.map(String).join('.')) || '(body)',
      reason: unstorableReason(u.char),
    }));
  }
  if (FORM_TYPES.has(mediaType)) {
    let form: FormData;
    try {
      // Kept by Hono too: the form validator and the UI's parseBody() reuse this parse.
      form = await c.req.formData();
    } catch {
      const detail =
        mediaType === 'multipart/form-data' && !/;\s*boundary=/i.test(c.req.header('content-type') ?? '')
          ? 'Der Inhalt ist multipart/form-data ohne boundary-Angabe im Content-Type.'
          : `Der Inhalt ist kein gültiges ${mediaType}.`;
      throw new HttpProblem(400, 'Ungültige Eingabe', detail, {
        where: 'body',
        invalidParams: [{ name: '(body)', reason: 'Nicht lesbar.' }],
      });
    }
    const bad: InvalidParam[] = [];
    form.forEach((value, key) => {
      const text = typeof value === 'string' ? value : value.name;
      const char = unstorableChar(key) ?? unstorableChar(text);
      if (char) bad.push({ name: printable(key), reason: unstorableReason(char) });
    });
    return bad;
  }
  return [];
}

/** Refuses any input value that holds an unstorable character, naming the parameter; and bodies that do not parse. */
function storableInput(): MiddlewareHandler {
  return async (c, next) => {
    const bad: Array<InvalidParam & { where: InputPart }> = [];
    const url = new URL(c.req.url);
    const names = pathNames(c);
    url.pathname.split('/').forEach((segment, i) => {
      let text: string;
      try {
        text = decodeURIComponent(segment);
      } catch {
        bad.push({ where: 'path', name: names[i] || '(path)', reason: 'Ungültige Prozentkodierung (kein UTF-8).' });
        return;
      }
      const char = unstorableChar(text);
      if (char) bad.push({ where: 'path', name: names[i] || '(path)', reason: unstorableReason(char) });
    });
    url.searchParams.forEach((value, key) => {
      const char = unstorableChar(key) ?? unstorableChar(value);
      if (char) bad.push({ where: 'query', name: printable(key), reason: unstorableReason(char) });
    });
    c.req.raw.headers.forEach((value, key) => {
      const char = unstorableChar(value);
      if (char) bad.push({ where: 'header', name: key, reason: unstorableReason(char) });
    });
    if (c.req.raw.body) {
      const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      for (const p of await bodyValues(c, mediaType)) bad.push({ where: 'body', ...p });
    }
    if (bad.length > 0) {
      throw badRequest(
        bad.map(({ name, reason }) => ({ name, reason })),
        bad[0]!.where,
      );
    }
    await next();
  };
}

/**
 * Security headers on every response. A page that sets its own Content-Security-Policy (the UI, the docs page)
 * keeps it; everything else (JSON, CSV, files) gets one that allows nothing, since none of it is a page.
 */
function securityHeaders(): MiddlewareHandler {
  return secureHeaders({
    overwrite: false,
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] },
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
  });
}

export interface EdgeOptions {
  /** largest request body of a route that declares none (bytes) */
  maxBodyBytes?: number;
}

/** The edge, in order: headers (set on the way out, errors included), body limit, parse and character check. */
export function edge(opts: EdgeOptions = {}): MiddlewareHandler[] {
  return [securityHeaders(), limits(opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES), storableInput()];
}
