// No secret in a log: a whole Antrag (submission, payment on ePayBL's pay page, delivery, the citizen's status page)
// and a lifecycle task with a protected Prozessparameter, every log line of API and worker captured, none holding a
// bearer token, a status token, a protected value or an e-mail address.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '../api/auth';
import { lifecycleStateQuery, lifecycleWorkflowId } from '../messages/onlinedienst';
import { createLogger } from '../runtime/logger';
import { antragStack, anwohnerparken, antragsteller, payPage, type AntragStack } from './harness/antrag';
import { VALID } from './harness/lifecycle';
import { routeRuntimeLogs, uniqueId } from './harness/servers';
import { eventually, waitForMail } from './harness/wait';

const lines: string[] = [];
const capture = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  },
});
// Everything, down to trace: a secret at any level would end up in someone's log store.
const log = createLogger('test', 'trace', capture);

let h: AntragStack;
beforeAll(async () => {
  routeRuntimeLogs(log);
  h = await antragStack({ log });
}, 120_000);
afterAll(async () => {
  routeRuntimeLogs(undefined);
  await h?.close();
});

// An address anywhere in a line; worker identities (`<pid>@<host>`) start with a digit and are no address.
const EMAIL = /[A-Za-z][\w.%+-]*@[\w-]+(\.[\w-]+)*\.[A-Za-z]{2,}/;

/** The decoded `data` of every Temporal payload in a logged object. */
function payloadsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(payloadsOf);
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key === 'data' && typeof v === 'string' ? [Buffer.from(v, 'base64').toString('utf8')] : payloadsOf(v),
  );
}

describe('logs', () => {
  it('hold no bearer token, status token, protected parameter value or e-mail address', async () => {
    const geheim = `epaybl-geheim-${randomUUID()}`;
    const akt = await h.aktivierung(
      { ...h.gebuehr(1200), 'zustellung.modus': 'transfer-plain' },
      { geschuetzt: { 'epaybl.zugangsschluessel': geheim } },
    );
    const email = `${uniqueId('anna')}@example.org`;
    const res = await h.submit({ aktivierungId: akt, daten: anwohnerparken(), antragsteller: antragsteller(email) });
    expect(res.status).toBe(201);
    const { vorgangsnummer: vn, statusToken } = res.body as { vorgangsnummer: string; statusToken: string };
    await waitForMail((m) => m.envelopeTo.includes(email) && m.subject.includes('Eingangsbestätigung'));

    const zahlung = await h.waitFor('Kassenzeichen', () =>
      h.db.selectFrom('zahlung').selectAll().where('vorgangsnummer', '=', vn).executeTakeFirst(),
    );
    const back = await h.api('GET', await payPage(zahlung.paypage_url, 'bezahlen', h.base));
    expect(back.status).toBe(303);
    const statusPage = back.headers.get('location')!;
    expect(statusPage).toContain(`/status/${statusToken}`);
    expect((await h.api('GET', statusPage)).status).toBe(200);
    await h.zugestellt(vn);
    await h.waitFor('the workflow sees the delivery', async () => (await h.sicht(vn)).phase === 'zugestellt');
    expect((await h.api('GET', `/api/status/${statusToken}`)).status).toBe(200);
    expect((await h.api('GET', `/api/status/${statusToken}x`)).status).toBe(404);

    // A lifecycle task, then a protected Prozessparameter set through the API.
    const id = uniqueId('od');
    const kontakt = `${id}.pe@example.org`;
    const created = await h.api('POST', '/api/onlinedienste', {
      user: 'pe-smk',
      body: { id, name: `Bewohnerparken ${id}`, mandantId: 'leipzig', kontakte: { prozesseigner: kontakt } },
    });
    expect(created.status).toBe(201);
    const task = await h.api('POST', `/api/onlinedienste/${id}/aufgaben/ist-prozess`, {
      user: 'pe-smk',
      body: VALID['ist-prozess'],
    });
    expect(task.status).toBe(200);
    const leipzig = `${id}.leipzig@example.org`;
    const registered = await h.api('PUT', `/api/onlinedienste/${id}/aktivierungen/leipzig`, {
      user: 'admin-leipzig',
      body: { organisationseinheitId: 'oe-leipzig-ordnungsamt', leistungId: '99102013000000', kontakt: leipzig },
    });
    expect(registered.status).toBe(200);
    const lcGeheim = `lc-geheim-${randomUUID()}`;
    const put = await h.api('PUT', `/api/onlinedienste/${id}/aktivierungen/leipzig/prozessparameter`, {
      user: 'admin-leipzig',
      body: { parameter: [{ key: 'epayblPasswort', wert: lcGeheim, geschuetzt: true }] },
    });
    expect(put.status).toBe(200);
    await eventually(async () => {
      const view = await h.client.workflow.getHandle(lifecycleWorkflowId(id)).query(lifecycleStateQuery);
      return view.mandantenStatus.leipzig?.parameterKeys?.includes('epayblPasswort');
    }, 15_000);

    const bearer = await Promise.all(demoUsers.map((u) => h.token(u.id)));
    const secrets = [
      statusToken,
      statusToken.split('.')[1]!,
      ...bearer,
      ...bearer.map((t) => t.split('.')[2]!),
      geheim,
      lcGeheim,
      email,
      kontakt,
      leipzig,
      h.awbEmail,
    ];
    // At trace level the SDK logs workflow activations with their payloads, base64: read those too.
    const leaks = lines
      .map((line) => [line, ...payloadsOf(JSON.parse(line))].join('\n'))
      .filter((text) => secrets.some((s) => text.includes(s)) || EMAIL.test(text));
    expect(leaks).toEqual([]);

    // The capture saw the work: request lines with route patterns, and the worker's own lines.
    const requests = lines.map((l) => JSON.parse(l) as { msg: string; path?: string; route?: string });
    const routes = requests.filter((r) => r.msg === 'request').map((r) => r.route ?? r.path);
    expect(routes).toContain('/status/:token');
    expect(routes).toContain('/api/status/:token');
    expect(routes).toContain('/api/zahlung/rueckkehr');
    expect(requests.filter((r) => r.msg === 'Activity completed').length).toBeGreaterThan(3);
  }, 120_000);
});
