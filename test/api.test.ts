// The HTTP API over a real socket, with a real Temporal server, worker, PostgreSQL and SMTP server behind it.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers, signToken, type User } from '../api/auth';
import { deriveKeys } from '../runtime/keys';
import { uniqueId } from './harness/servers';
import { KEYS, startStack, type Stack } from './harness/stack';
import { waitForMail } from './harness/wait';

let s: Stack;
let smtpUp = true;

beforeAll(async () => {
  s = await startStack({
    name: 'api',
    app: ({ db, connection, mailer }) => ({
      namespace: 'default',
      temporalUiUrl: 'http://localhost:8233',
      readiness: [
        {
          name: 'temporal',
          check: async () => {
            await connection.healthService.check({});
          },
        },
        {
          name: 'postgres',
          check: async () => {
            await sql`select 1`.execute(db);
          },
        },
        {
          name: 'smtp',
          check: async () => {
            if (!smtpUp) throw new Error('connect ECONNREFUSED');
            await mailer.verify();
          },
        },
      ],
    }),
  });
});

afterAll(() => s?.close());

describe('operations endpoints', () => {
  it('answers /healthz and /readyz when everything is reachable', async () => {
    expect((await s.api('GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await s.api('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
    expect(Object.keys(ready.body.checks).sort()).toEqual(['postgres', 'smtp', 'temporal']);
  });

  it('reports 503 naming what is unreachable', async () => {
    smtpUp = false;
    try {
      const ready = await s.api('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.type).toBe('application/problem+json');
      expect(ready.body.detail).toBe('Unreachable: smtp');
      expect(ready.body.checks.smtp.ok).toBe(false);
      expect(ready.body.checks.postgres.ok).toBe(true);
    } finally {
      smtpUp = true;
    }
  });

  it('serves an OpenAPI 3.1 document and a docs page', async () => {
    const doc = await s.api('GET', '/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/healthz', '/readyz', '/api/mandanten', '/api/mandanten/{id}']),
    );
    const mandantBody = doc.body.paths['/api/mandanten/{id}'].put.requestBody.content['application/json'].schema;
    expect(mandantBody.required).toEqual(['name']);
    expect(doc.body.paths['/api/mandanten/{id}'].put['x-roles']).toEqual(['mandant-admin', 'projektleitung']);
    const page = await s.api('GET', '/docs');
    expect(page.type).toContain('text/html');
    expect(page.text).toContain('/api/mandanten/{id}');
  });
});

describe('one error format', () => {
  it('answers unknown routes with problem+json and a request id', async () => {
    const res = await s.api('GET', '/api/gibt-es-nicht');
    expect(res.status).toBe(404);
    expect(res.type).toBe('application/problem+json');
    expect(res.body).toMatchObject({ status: 404, title: 'Nicht gefunden', instance: '/api/gibt-es-nicht' });
    expect(res.body.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('refuses missing, malformed and forged tokens with 401', async () => {
    expect((await s.api('GET', '/api/me')).status).toBe(401);
    const malformed = await s.api('GET', '/api/me', { headers: { authorization: 'Token abc' } });
    expect(malformed.status).toBe(401);
    const forged = await signToken(deriveKeys(['another-secret-0123456789abcdef0123456']).bearer, demoUsers[0]!);
    const res = await s.api('GET', '/api/me', { token: forged });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('names the field of invalid input, refuses bad JSON and wrong media types', async () => {
    const user = 'pl-sk';
    const invalid = await s.api('PUT', '/api/mandanten/dresden', { user, body: { name: 42, logoUrl: 'not-a-url' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.invalidParams.map((p: { name: string }) => p.name).sort()).toEqual(['logoUrl', 'name']);
    const badJson = await s.api('PUT', '/api/mandanten/dresden', { user, rawBody: '{"name": ' });
    expect(badJson.status).toBe(400);
    expect(badJson.body.detail).toBe('Der Inhalt der Anfrage ist kein gültiges JSON.');
    const wrongType = await s.api('PUT', '/api/mandanten/dresden', {
      user,
      rawBody: 'name=x',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(wrongType.status).toBe(415);
    expect(wrongType.type).toBe('application/problem+json');
  });
});

describe('a workflow through the API', () => {
  it('starts the Onlinedienst lifecycle end to end, one run per business id', async () => {
    const user = 'pe-smk';
    const id = uniqueId('api');
    const to = `${id}@example.org`;
    const body = { id, name: 'über die API', mandantId: 'leipzig', kontakte: { prozesseigner: to } };
    const first = await s.api('POST', '/api/onlinedienste', { user, body });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ onlinedienstId: id, workflowId: `onlinedienst-${id}`, phase: 'klaerung' });
    expect(first.body.temporalUiUrl).toBe(`http://localhost:8233/namespaces/default/workflows/onlinedienst-${id}`);
    const again = await s.api('POST', '/api/onlinedienste', { user, body });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('exists');
    // API → Temporal → worker → PostgreSQL and mail: the run records its start (once) and mails its first tasks.
    await waitForMail((m) => m.envelopeTo.includes(to) && m.subject.startsWith('Neue Aufgabe: '));
    const audit = await s.db.selectFrom('audit_log').select(['actor', 'action']).where('subject_id', '=', id).execute();
    expect(audit).toEqual([{ actor: 'pe-smk', action: 'onlinedienst.lebenszyklus.gestartet' }]);
    await s.client.workflow.getHandle(`onlinedienst-${id}`).terminate('test done');
  });
});

describe('roles and Mandant scoping', () => {
  it('lets a Mandant-Admin see only its own Mandant', async () => {
    const leipzig = 'admin-leipzig';
    const list = await s.api('GET', '/api/mandanten', { user: leipzig });
    expect(list.body.items.map((m: { id: string }) => m.id)).toEqual(['leipzig']);
    expect((await s.api('GET', '/api/mandanten/dresden', { user: leipzig })).status).toBe(404);
    const awbList = await s.api('GET', '/api/mandanten', { user: 'awb-sid' });
    expect(awbList.body.items.map((m: { id: string }) => m.id)).toEqual(['dresden', 'leipzig']);
  });

  it('refuses a role that may not read Mandanten', async () => {
    const res = await s.api('GET', '/api/mandanten', { user: 'buerger-anna' });
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain('awb');
  });

  it("lets a Mandant-Admin maintain its own master data, audited, but not another Mandant's", async () => {
    const user = 'admin-dresden';
    const body = {
      name: 'Landeshauptstadt Dresden',
      impressum: 'Dr.-Külz-Ring 19, 01067 Dresden',
      datenschutzbeauftragteR: { name: 'DSB Dresden', email: 'datenschutz@dresden.de' },
      logoUrl: 'https://www.dresden.de/logo.svg',
    };
    const res = await s.api('PUT', '/api/mandanten/dresden', { user, body });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: 'dresden',
      impressum: body.impressum,
      datenschutzbeauftragteR: body.datenschutzbeauftragteR,
    });
    const audit = await s.db.selectFrom('audit_log').selectAll().where('subject_id', '=', 'dresden').execute();
    expect(audit.map((a) => [a.actor, a.action])).toEqual([['admin-dresden', 'mandant.stammdaten.geaendert']]);
    expect((await s.api('PUT', '/api/mandanten/leipzig', { user, body })).status).toBe(404);
    const stranger: User = { id: 'x', name: 'x', roles: ['mandant-admin'], mandanten: ['chemnitz'] };
    const create = await s.api('PUT', '/api/mandanten/chemnitz', {
      token: await signToken(KEYS.bearer, stranger),
      body: { name: 'Chemnitz' },
    });
    expect(create.status).toBe(404);
    expect(create.body.detail).toContain('only Projektleitung creates');
  });

  it('lets Projektleitung create a Mandant and validates the id', async () => {
    const user = 'pl-sk';
    const created = await s.api('PUT', '/api/mandanten/chemnitz', { user, body: { name: 'Stadt Chemnitz' } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ id: 'chemnitz', name: 'Stadt Chemnitz', impressum: null });
    const bad = await s.api('PUT', '/api/mandanten/Bad%20Id', { user, body: { name: 'X' } });
    expect(bad.status).toBe(400);
    expect(bad.body.invalidParams[0].name).toBe('id');
  });
});
