// The routes the app serves and the OpenAPI document it publishes say the same: every served route is documented
// with a response schema, nothing is documented that is not served, and every documented request body is the one
// validated. No server is needed: the app is built with dependencies that fail the test if anything touches them
// (a request that reaches a handler instead of the validation would), and is called in-process.
import { describe, expect, it } from 'vitest';
import { demoUsers, signToken, type Role } from '../../api/auth';
import { createApp } from '../../app/http';
import { inProcessDeps } from './in-process-app';
import { uiRoutes } from '../../ui/app';

const deps = inProcessDeps('openapi', 'the request got past the validation');
const keys = deps.keys;
const app = createApp(deps);

interface Operation {
  'x-roles'?: string[];
  security?: unknown[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: unknown }> };
  responses: Record<
    string,
    { content?: Record<string, { schema?: unknown }>; headers?: Record<string, unknown>; $ref?: string }
  >;
}
type Document = { paths: Record<string, Record<string, Operation>> };

const doc = (await (await app.request('/openapi.json')).json()) as Document;
const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, path, method, op })),
);

/** What the app serves, in the document's notation (/api/antraege/{vorgangsnummer}). */
function servedRoutes(): Set<string> {
  // UI pages and the stylesheet: HTML for people, listed in the README; they call the API, they are not part of it.
  const ui = new Set(uiRoutes(deps, () => new Response()).routes.map((r) => `${r.method} ${r.path}`));
  // The document itself and the page that renders it describe the API; they are not operations of it.
  // /metrics is Prometheus' text format for the scraper (README "Metrics and traces"), not an operation of the API.
  const docs = new Set(['GET /openapi.json', 'GET /docs', 'GET /metrics']);
  const served = new Set<string>();
  for (const r of app.routes) {
    // app.use() middleware (request id, request log, bearer token, UI session) is registered as method ALL.
    if (r.method === 'ALL') continue;
    const key = `${r.method} ${r.path}`;
    if (ui.has(key) || docs.has(key)) continue;
    served.add(`${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
  }
  return served;
}

const DEMO_BY_ROLE = new Map<string, string>();
for (const u of demoUsers) for (const r of u.roles) if (!DEMO_BY_ROLE.has(r)) DEMO_BY_ROLE.set(r, u.id);

/** A token the route's role check lets through; none for a public route. */
async function authorisedHeaders(op: Operation): Promise<Record<string, string>> {
  if (op.security?.length === 0) return {};
  const role = (op['x-roles'] ?? []).find((r) => DEMO_BY_ROLE.has(r)) ?? 'awb';
  const user = demoUsers.find((u) => u.id === DEMO_BY_ROLE.get(role as Role))!;
  return { authorization: `Bearer ${await signToken(keys.bearer, user)}` };
}

/** Path parameters filled with a value every declared parameter pattern accepts. */
const concrete = (path: string) => path.replace(/\{\w+\}/g, 'test-1');

describe('the OpenAPI document', () => {
  it('documents every served route, and only those', () => {
    const served = [...servedRoutes()].sort();
    const docs = documented.map((d) => d.key).sort();
    expect(served.length).toBeGreaterThan(30);
    expect(docs).toEqual(served);
  });

  it('gives every operation a success response with a schema (a redirect with its Location)', () => {
    for (const { key, op } of documented) {
      const success = Object.entries(op.responses).filter(([status]) => /^[23]/.test(status));
      expect(success.length, key).toBeGreaterThan(0);
      for (const [status, response] of success) {
        if (status.startsWith('3')) {
          expect(response.headers?.location, `${key} ${status}`).toBeDefined();
          continue;
        }
        // 204 No Content has, by definition, no body to describe.
        if (status === '204') {
          expect(response.content, `${key} ${status}`).toBeUndefined();
          continue;
        }
        const media = Object.entries(response.content ?? {});
        expect(media.length, `${key} ${status}`).toBeGreaterThan(0);
        for (const [type, m] of media) expect(m.schema, `${key} ${status} ${type}`).toBeDefined();
      }
      for (const [status, response] of Object.entries(op.responses).filter(([s]) => /^[45]/.test(s))) {
        const problem = response.$ref ?? Object.keys(response.content ?? {}).join();
        expect(problem, `${key} ${status}`).toMatch(/Problem|problem\+json/);
      }
    }
  });

  const withBody = documented.filter((d) => d.op.requestBody);

  it('validates every documented request body: an invalid one is refused with 400 and invalidParams', async () => {
    expect(withBody.length).toBeGreaterThan(15);
    for (const { key, path, method, op } of withBody) {
      expect(op.requestBody!.required, key).toBe(true);
      // A JSON body that is no object; a multipart-only route gets an empty form (its fields missing).
      const multipartOnly = !op.requestBody!.content['application/json'];
      const headers: Record<string, string> = { ...(await authorisedHeaders(op)) };
      if (!multipartOnly) headers['content-type'] = 'application/json';
      const body = multipartOnly ? new FormData() : '42';
      const res = await app.request(concrete(path), { method: method.toUpperCase(), headers, body });
      const problem = (await res.json()) as { invalidParams?: Array<{ name: string; reason: string }> };
      expect(res.status, `${key}: ${JSON.stringify(problem)}`).toBe(400);
      expect(res.headers.get('content-type'), key).toBe('application/problem+json');
      expect(problem.invalidParams?.length, key).toBeGreaterThan(0);
    }
  });

  it('refuses a body of a media type the declaration does not name with 415', async () => {
    for (const { key, path, method, op } of withBody) {
      const headers = { ...(await authorisedHeaders(op)), 'content-type': 'text/plain' };
      const res = await app.request(concrete(path), { method: method.toUpperCase(), headers, body: 'x' });
      expect(res.status, key).toBe(415);
      expect(res.headers.get('content-type'), key).toBe('application/problem+json');
    }
  });

  it('validates the multipart form of a submission as documented', async () => {
    const submit = documented.find((d) => d.op.requestBody?.content['multipart/form-data']);
    expect(submit?.key).toBe('POST /api/antraege');
    const form = new FormData();
    form.set('antrag', JSON.stringify({ aktivierungId: 'x', daten: {}, antragsteller: { name: 'A', email: 'kein' } }));
    const res = await app.request('/api/antraege', {
      method: 'POST',
      headers: await authorisedHeaders(submit!.op),
      body: form,
    });
    const body = (await res.json()) as { invalidParams: Array<{ name: string }> };
    expect(res.status).toBe(400);
    expect(body.invalidParams.map((p) => p.name).sort()).toEqual([
      'antrag.antragsteller.email',
      'antrag.antragsteller.name',
    ]);
  });
});
