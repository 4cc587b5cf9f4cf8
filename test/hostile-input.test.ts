// Hostile input against the running service: a property-based check (fast-check) drives every operation of the
// OpenAPI document the API serves with generated values — NUL and other control characters, lone surrogates,
// non-characters, huge strings, wrong types, odd numbers, unicode, broken bodies and media types — as several roles,
// against real PostgreSQL and Temporal behind it. No answer may be a 5xx, and every 4xx is problem+json with type,
// title and status. The seed is printed; FUZZ_SEED=<n> replays a run, FUZZ_RUNS=<n> sets the runs per operation.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '../api/auth';
import { LEISTUNG, startStack, type Stack } from './harness/stack';
import { waitForMail } from './harness/wait';
import { uniqueId } from './harness/servers';

let s: Stack;

beforeAll(async () => {
  s = await startStack({ name: 'hostile' });
});
afterAll(() => s?.close());

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: Schema | boolean;
  format?: string;
};
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  'x-roles'?: string[];
  security?: unknown[];
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas?: Record<string, Schema> };
}

// --- values ---------------------------------------------------------------------------------------------------------

const HOSTILE_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\u0007\u001b[31m',
  '\uD800',
  'x\uDFFFy',
  '\uFFFE',
  '\uFFFF',
  '',
  ' ',
  '\t\r\n',
  'Jan Šołta, Łužica – Ärger über Öl & Ü',
  '😀👩‍👩‍👧\u202E',
  "'; drop table antrag; --",
  '../../etc/passwd',
  '%00',
  '%E0%A4%A',
  '<script>alert(1)</script>',
  '-1',
  '1e309',
  'NaN',
  'null',
];
/** Ids the demo data knows, so some calls reach past "not found". */
const KNOWN_IDS = ['leipzig', 'dresden', 'hundesteuer-leipzig', 'hundesteuer', LEISTUNG, 'v1.0', '1.0.0'];

const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.constantFrom(...KNOWN_IDS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'x'.repeat(n)) },
);
const oddNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, -1, 2 ** 31, 2 ** 53 + 1, 1e308, -1e308, 5e-324),
);
const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  oddNumber,
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
);

function valueFor(doc: Document, schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return wrongType;
  if (schema.$ref) return valueFor(doc, doc.components.schemas?.[schema.$ref.split('/').pop()!], depth + 1);
  const alternatives = schema.anyOf ?? schema.oneOf;
  const fitting = (): fc.Arbitrary<unknown> => {
    if (alternatives) return fc.oneof(...alternatives.map((a) => valueFor(doc, a, depth + 1)));
    if (schema.allOf) return valueFor(doc, schema.allOf[0], depth + 1);
    if (schema.enum) return fc.constantFrom(...schema.enum);
    if (schema.const !== undefined) return fc.constant(schema.const);
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    switch (type) {
      case 'string':
        return schema.format === 'date'
          ? fc.constantFrom('2026-11-01', '2026-02-30', '0000-00-00')
          : schema.format === 'email'
            ? fc.constantFrom('anna@example.org', 'a\u0000@example.org', 'kein')
            : hostileString;
      case 'integer':
      case 'number':
        return oddNumber;
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(valueFor(doc, schema.items, depth + 1), { maxLength: 3 });
      case 'object': {
        const props = schema.properties ?? {};
        const model = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, valueFor(doc, v, depth + 1)]));
        const required = (schema.required ?? []).filter((k) => k in props);
        return fc
          .tuple(fc.record(model, { requiredKeys: required }), fc.dictionary(hostileString, wrongType, { maxKeys: 2 }))
          .map(([known, extra]) => (Object.keys(props).length === 0 ? extra : known));
      }
      default:
        return wrongType;
    }
  };
  // Mostly what the schema asks for (so calls get past validation), sometimes anything at all.
  return fc.oneof({ weight: 5, arbitrary: fitting() }, { weight: 1, arbitrary: wrongType });
}

/** A generated value as text (objects from fc.dictionary have no prototype, so no toString). */
const asText = (v: unknown) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v));
/** Lone surrogates as U+FFFD: what a URL, a form field or a file can carry (JSON escapes them instead). */
const wellFormed = (text: string) =>
  text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
/**
 * What a URL can carry goes percent-encoded, and some raw sequences as they are. Node's HTTP parser refuses a request
 * head over 16 KiB with 431 before any code of ours runs, so huge values go into bodies, not URLs.
 */
const urlText = (v: unknown) => encodeURIComponent(wellFormed(asText(v)).slice(0, 1000));
const rawSegment = fc.constantFrom('%00', '%E0%A4%A', '%ED%A0%80', '%', '..', '%2F', '%C0%80');
// fetch sends only byte strings as header values; the HTTP parser refuses control characters before our code.
const headerText = (v: unknown) =>
  [...asText(v)]
    .filter((ch) => /[\x20-\x7e\x80-\xff]/.test(ch))
    .join('')
    .trim()
    .slice(0, 2000);

const BROKEN_BODIES = ['', '{', 'null', '[]', '"\\u0000"', '{"a":"\\ud800"}', '\u0000', '[[[[[[[[[[[[[[[[[[[[[['];
const CONTENT_TYPES = ['text/plain', 'application/xml', 'multipart/form-data', 'application/x-www-form-urlencoded'];

interface Call {
  userId?: string;
  path: string;
  headers: Record<string, string>;
  body?: string | FormData;
}

function callsFor(doc: Document, method: string, template: string, op: Operation): fc.Arbitrary<Omit<Call, 'userId'>> {
  const params = op.parameters ?? [];
  const segment = (p: Parameter) =>
    fc.oneof({ weight: 6, arbitrary: valueFor(doc, p.schema).map(urlText) }, { weight: 1, arbitrary: rawSegment });
  const pathArb = fc.record(
    Object.fromEntries(params.filter((p) => p.in === 'path').map((p) => [p.name, segment(p)])),
  ) as fc.Arbitrary<Record<string, string>>;
  const queryArb = fc.record(
    Object.fromEntries(params.filter((p) => p.in === 'query').map((p) => [p.name, valueFor(doc, p.schema)])),
    { requiredKeys: [] },
  );
  const extraQuery = fc.option(fc.tuple(hostileString, hostileString), { nil: undefined });
  const headerArb = fc.record(
    Object.fromEntries(params.filter((p) => p.in === 'header').map((p) => [p.name, valueFor(doc, p.schema)])),
    { requiredKeys: [] },
  );
  const content = op.requestBody?.content ?? {};
  const bodyArb: fc.Arbitrary<{ type?: string; body?: string | FormData }> =
    Object.keys(content).length === 0
      ? fc.constant({})
      : fc.oneof(
          ...Object.entries(content).map(([type, media]) => {
            if (type !== 'multipart/form-data') {
              return valueFor(doc, media.schema).map((value) => ({ type, body: JSON.stringify(value) ?? 'null' }));
            }
            // The "antrag" part holds what the JSON form of the submission holds; one file beside it.
            const antrag = valueFor(doc, content['application/json']?.schema);
            return fc.tuple(antrag, hostileString, fc.boolean()).map(([value, file, hostileName]) => {
              const form = new FormData();
              form.set('antrag', typeof value === 'string' ? wellFormed(value) : JSON.stringify(value));
              form.set(
                'anlage',
                new Blob([`%PDF-${wellFormed(file)}`]),
                hostileName ? 'an\u0000lage.pdf' : 'anlage.pdf',
              );
              return { type: undefined, body: form };
            });
          }),
          fc.record({
            type: fc.constantFrom('application/json', ...CONTENT_TYPES),
            body: fc.constantFrom(...BROKEN_BODIES),
          }),
        );
  void method;
  return fc
    .record({ path: pathArb, query: queryArb, extra: extraQuery, headers: headerArb, body: bodyArb })
    .map((g) => {
      const path = template.replace(/\{(\w+)\}/g, (_, name: string) => g.path[name] ?? 'x');
      const query = Object.entries(g.query)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${urlText(k)}=${urlText(v)}`);
      if (g.extra) query.push(`${urlText(g.extra[0])}=${urlText(g.extra[1])}`);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(g.headers)) if (v !== undefined) headers[k] = headerText(v);
      if (g.body.type) headers['content-type'] = g.body.type;
      return { path: query.length > 0 ? `${path}?${query.join('&')}` : path, headers, body: g.body.body };
    });
}

// --- roles ----------------------------------------------------------------------------------------------------------

const ROLE_USERS = ['buerger-anna', 'sb-leipzig', 'admin-leipzig', 'pe-smk', 'awb-sid', 'pl-sk'];
/** A demo user the operation's roles let through (none for a public one), so calls get past the role check. */
function authorised(op: Operation): string | undefined {
  if (op.security?.length === 0) return undefined;
  const roles = op['x-roles'] ?? [];
  return demoUsers.find((u) => u.roles.some((r) => roles.includes(r)))?.id ?? 'awb-sid';
}

// --- the property ---------------------------------------------------------------------------------------------------

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.FUZZ_RUNS ?? 8);

/** Answers by status: the run says how many calls got past validation into the service. */
const statuses = new Map<number, number>();

async function send(method: string, call: Call): Promise<string | undefined> {
  const res = await s.api(method.toUpperCase(), call.path, {
    user: call.userId,
    rawBody: call.body,
    contentType: call.headers['content-type'],
    headers: call.headers,
  });
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  const what = `${method.toUpperCase()} ${call.path.slice(0, 200)} as ${call.userId ?? 'anonymous'} → ${res.status}`;
  if (res.status >= 500) return `${what}: ${res.text.slice(0, 300)}`;
  if (res.status >= 400) {
    if (res.type !== 'application/problem+json') return `${what}: content-type ${res.type}`;
    const p = res.body as { type?: unknown; title?: unknown; status?: unknown };
    if (typeof p.type !== 'string' || typeof p.title !== 'string' || p.status !== res.status) {
      return `${what}: not a problem: ${res.text.slice(0, 300)}`;
    }
  }
  return undefined;
}

describe('hostile input', () => {
  it('no operation of the OpenAPI document answers 5xx, and every 4xx is problem+json', async () => {
    console.log(`hostile-input: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}`);
    const doc = (await s.api('GET', '/openapi.json')).body as Document;
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, op })),
    );
    expect(operations.length).toBeGreaterThan(40);
    let calls = 0;
    for (const [i, { path, method, op }] of operations.entries()) {
      const arb = fc.tuple(callsFor(doc, method, path, op), fc.constantFrom(undefined, ...ROLE_USERS));
      const run = await fc.check(
        fc.asyncProperty(arb, async ([call, other]) => {
          // As a role the operation lets in, and as some other (or nobody).
          for (const userId of new Set([authorised(op), other])) {
            calls += 1;
            const failure = await send(method, { ...call, userId });
            if (failure) throw new Error(failure);
          }
        }),
        { seed: SEED + i, numRuns: RUNS, endOnFailure: true },
      );
      // The failing call itself, short (a counterexample may hold a string of 300,000 characters).
      if (run.failed) {
        const cause = run.errorInstance instanceof Error ? run.errorInstance.message : String(run.errorInstance);
        expect.fail(
          `${cause} (replay: FUZZ_SEED=${SEED}, operation ${i}, seed ${run.seed}, path ${run.counterexamplePath})`,
        );
      }
    }
    console.log(`hostile-input: ${calls} calls, by status ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(calls).toBeGreaterThanOrEqual(operations.length * RUNS);
    // Not everything is refused at the door: some calls reach the handlers and the database and succeed.
    expect([...statuses].filter(([status]) => status < 300).reduce((n, [, count]) => n + count, 0)).toBeGreaterThan(0);
  }, 120_000);

  it('refuses NUL with 400 naming the parameter where it reached PostgreSQL before', async () => {
    const cases: Array<[string, string, string, Record<string, unknown> | undefined, string]> = [
      ['GET', '/api/rollout-tickets?onlinedienstId=a%00b', 'awb-sid', undefined, 'onlinedienstId'],
      ['GET', '/api/onlinedienste?phase=%00', 'awb-sid', undefined, 'phase'],
      ['GET', '/api/antraege?status=%00', 'sb-leipzig', undefined, 'status'],
      ['POST', '/api/antraege', 'buerger-anna', { aktivierungId: 'hundesteuer-leipzig\u0000' }, 'aktivierungId'],
    ];
    for (const [method, path, user, body, name] of cases) {
      const res = await s.api(method, path, { user, body });
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(res.type).toBe('application/problem+json');
      expect(res.body.invalidParams).toEqual([{ name, reason: expect.stringContaining('U+0000') }]);
    }
  });

  it('sends every mail as Auto-Submitted: auto-generated', async () => {
    const to = `${uniqueId('auto')}@example.org`;
    await s.mailer.send({ to, subject: 'Eingangsbestätigung', text: 'Hallo', messageId: `<${uniqueId('m')}@test>` });
    const mail = await waitForMail((m) => m.envelopeTo.includes(to));
    expect(mail.headers['auto-submitted']).toBe('auto-generated');
  });
});
