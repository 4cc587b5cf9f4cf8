// The edge (api/edge.ts), in-process: what no route may see (characters a text column or XML cannot hold, bodies that
// do not parse, bodies too large) is refused with German problem+json naming the parameter, before any route code
// runs (the dependencies fail the test if touched); and every response carries the security headers.
import { describe, expect, it } from 'vitest';
import { demoUsers, signToken } from '../../api/auth';
import { createApp } from '../../app/http';
import { inProcessDeps } from './in-process-app';

const deps = inProcessDeps('edge', 'the request got past the edge');
const keys = deps.keys;
const app = createApp(deps);

async function as(userId: string): Promise<Record<string, string>> {
  return {
    authorization: `Bearer ${await signToken(
      keys.bearer,
      demoUsers.find((u) => u.id === userId)!,
    )}`,
  };
}

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  where?: string;
  invalidParams?: Array<{ name: string; reason: string }>;
}

async function problem(res: Response, status: number): Promise<Problem> {
  const body = (await res.json()) as Problem;
  expect(res.status, JSON.stringify(body)).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(body).toMatchObject({ status, type: expect.stringMatching(/^https:/), title: expect.any(String) });
  return body;
}

const HOSTILE = { nul: '\u0000', control: '\u0007', loneSurrogate: '\uD800', nonCharacter: '\uFFFE' };

describe('the edge refuses characters PostgreSQL text or XML 1.0 cannot hold', () => {
  // A lone surrogate has no UTF-8 form to percent-encode: a URL cannot carry one (the JSON body can, below).
  const inUrl = Object.entries(HOSTILE).filter(([name]) => name !== 'loneSurrogate');
  it.each(inUrl)('in a query parameter (%s), on every list that reached PostgreSQL', async (_, ch) => {
    const lists: Array<[string, string]> = [
      ['/api/rollout-tickets', 'awb-sid'],
      ['/api/onlinedienste', 'awb-sid'],
      ['/api/antraege', 'sb-leipzig'],
    ];
    for (const [path, user] of lists) {
      const res = await app.request(`${path}?status=a${encodeURIComponent(ch)}b`, { headers: await as(user) });
      const body = await problem(res, 400);
      expect(body.where).toBe('query');
      expect(body.detail).toBe('Fehler in: status');
      expect(body.invalidParams).toEqual([{ name: 'status', reason: expect.stringMatching(/unzulässiges .*U\+/) }]);
    }
  });

  it('in a path parameter, named as the route names it, and a path that is not UTF-8', async () => {
    const nul = await problem(await app.request('/api/antraege/ab%00cd', { headers: await as('sb-leipzig') }), 400);
    expect(nul.invalidParams).toEqual([{ name: 'vorgangsnummer', reason: expect.stringContaining('U+0000') }]);
    const broken = await problem(await app.request('/api/antraege/%E0%A4%A', { headers: await as('sb-leipzig') }), 400);
    expect(broken.invalidParams?.[0]?.reason).toBe('Ungültige Prozentkodierung (kein UTF-8).');
  });

  it('in a header', async () => {
    const res = await app.request('/api/antraege', {
      method: 'POST',
      headers: { ...(await as('buerger-anna')), 'content-type': 'application/json', 'idempotency-key': 'a\u0001b' },
      body: '{}',
    });
    const body = await problem(res, 400);
    expect(body.invalidParams).toEqual([{ name: 'idempotency-key', reason: expect.stringContaining('U+0001') }]);
  });

  it('in a JSON body at any depth, keys included, on the citizen submission', async () => {
    const res = await app.request('/api/antraege', {
      method: 'POST',
      headers: { ...(await as('buerger-anna')), 'content-type': 'application/json' },
      body: JSON.stringify({
        aktivierungId: 'hundesteuer\u0000',
        antragsteller: { name: 'Anna \uDC00', email: 'anna@example.org' },
        daten: { hund: { ['na\uFFFFme']: 'Bello' } },
        anlagen: [{ dateiname: 'a\u001f.pdf' }],
      }),
    });
    const body = await problem(res, 400);
    expect(body.invalidParams?.map((p) => p.name)).toEqual([
      'aktivierungId',
      'antragsteller.name',
      'daten.hund.na\uFFFDme',
      'anlagen.0.dateiname',
    ]);
    expect(body.invalidParams?.[0]?.reason).toBe('Enthält ein unzulässiges Steuer- oder Sonderzeichen (U+0000).');
  });

  it('in a multipart field, and in the JSON the antrag part holds', async () => {
    const headers = await as('buerger-anna');
    const field = new FormData();
    field.set('antrag', 'x\u0000');
    const outer = await problem(await app.request('/api/antraege', { method: 'POST', headers, body: field }), 400);
    expect(outer.invalidParams).toEqual([{ name: 'antrag', reason: expect.stringContaining('U+0000') }]);

    const inner = new FormData();
    inner.set(
      'antrag',
      JSON.stringify({ aktivierungId: 'a\u0000', daten: {}, antragsteller: { name: 'Anna', email: 'a@example.org' } }),
    );
    const nested = await problem(await app.request('/api/antraege', { method: 'POST', headers, body: inner }), 400);
    expect(nested.invalidParams).toEqual([{ name: 'antrag.aktivierungId', reason: expect.stringContaining('U+0000') }]);
  });
});

describe('the edge refuses bodies that do not parse or are too large', () => {
  it('malformed JSON and multipart without a boundary: 400; another media type: 415', async () => {
    const headers = await as('buerger-anna');
    const post = (contentType: string, body: string) =>
      app.request('/api/antraege', { method: 'POST', headers: { ...headers, 'content-type': contentType }, body });
    expect((await problem(await post('application/json', '{"a":'), 400)).detail).toBe(
      'Der Inhalt der Anfrage ist kein gültiges JSON.',
    );
    expect((await problem(await post('multipart/form-data', 'x'), 400)).detail).toBe(
      'Der Inhalt ist multipart/form-data ohne boundary-Angabe im Content-Type.',
    );
    expect((await problem(await post('multipart/form-data; boundary=zz', '--zz\r\nkaputt'), 400)).detail).toBe(
      'Der Inhalt ist kein gültiges multipart/form-data.',
    );
    expect((await problem(await post('text/plain', 'x'), 415)).detail).toMatch(/^Erwartet wird Content-Type/);
  });

  it('one limit for every route (1 MiB), larger where a route declares it, configurable', async () => {
    const awb = { ...(await as('awb-sid')), 'content-type': 'application/json' };
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024) });
    const tooLarge = await problem(
      await app.request('/api/mandanten/x', { method: 'PUT', headers: awb, body: big }),
      413,
    );
    expect(tooLarge.detail).toBe('Der Inhalt der Anfrage ist größer als 1 MiB.');
    // The submission takes attachments up to 20 MiB as base64: its own limit lets 1 MiB through to validation.
    const anna = { ...(await as('buerger-anna')), 'content-type': 'application/json' };
    await problem(await app.request('/api/antraege', { method: 'POST', headers: anna, body: big }), 400);
    // The UI's forms are under the same limit.
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    await problem(
      await app.request('/anmelden', { method: 'POST', headers: form, body: `x=${'a'.repeat(2 ** 20)}` }),
      413,
    );

    const small = createApp({ ...deps, maxBodyBytes: 4096 });
    const body = JSON.stringify({ name: 'x'.repeat(5000) });
    await problem(await small.request('/api/mandanten/x', { method: 'PUT', headers: awb, body }), 413);
  });
});

describe('security headers', () => {
  const common = {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'strict-transport-security': expect.stringContaining('max-age='),
    'cross-origin-resource-policy': 'same-origin',
  };
  const headersOf = (res: Response) => Object.fromEntries(res.headers.entries());

  it('on every API answer: JSON, a problem, a 404, the OpenAPI document', async () => {
    const answers = [
      await app.request('/healthz'),
      await app.request('/api/me'),
      await app.request('/nirgends'),
      await app.request('/openapi.json'),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 401, 404, 200]);
    for (const res of answers) {
      expect(headersOf(res)).toMatchObject({
        ...common,
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
      });
    }
  });

  it("on pages too, which keep their own Content-Security-Policy (the UI's, the docs page's)", async () => {
    const page = await app.request('/anmelden');
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(headersOf(page)).toMatchObject({
      ...common,
      'content-security-policy': expect.stringContaining("style-src 'self'; script-src 'none'"),
    });
    const docs = await app.request('/docs');
    expect(headersOf(docs)).toMatchObject({
      ...common,
      'content-security-policy': expect.stringContaining("style-src 'unsafe-inline'"),
    });
  });
});

describe('German validation messages from the one error map', () => {
  it('for the citizen submission and any other body', async () => {
    const anna = { ...(await as('buerger-anna')), 'content-type': 'application/json' };
    const submission = await problem(
      await app.request('/api/antraege', {
        method: 'POST',
        headers: anna,
        body: JSON.stringify({ aktivierungId: 5, antragsteller: { name: 'A', email: 'kein' }, daten: {} }),
      }),
      400,
    );
    expect(submission.invalidParams).toEqual([
      { name: 'aktivierungId', reason: 'Erwartet: Text.' },
      { name: 'antragsteller.name', reason: 'Mindestens 2 Zeichen.' },
      { name: 'antragsteller.email', reason: 'Ungültige E-Mail-Adresse.' },
    ]);
    const pl = { ...(await as('pl-sk')), 'content-type': 'application/json' };
    const mandant = await problem(
      await app.request('/api/mandanten/neu-mandant', {
        method: 'PUT',
        headers: pl,
        body: JSON.stringify({ name: 7 }),
      }),
      400,
    );
    expect(mandant.invalidParams).toEqual([{ name: 'name', reason: 'Erwartet: Text.' }]);
  });
});
