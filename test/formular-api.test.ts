// The Prozessmodellierer's API over a real socket with PostgreSQL behind it: versions are created, refused with the
// JSON pointer named, certified (evidence bound to the content hash, then immutable), deployed to the
// Entwicklungssystem; a test Antrag is validated against that version; Prozessparameter are checked against what
// the process declares, and the gate names a missing required one.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGateData } from '../db/stores/gate';
import { registerOnlinedienst } from '../db/stores/onlinedienst';
import { uniqueId } from './harness/servers';
import { LEISTUNG, startStack, type Stack } from './harness/stack';
import { beispiel } from './unit/formular-fixtures';

let s: Stack;
const id = uniqueId('formular');
const pm = 'pm-seitenbau';

beforeAll(async () => {
  s = await startStack({ name: 'formular', worker: false });
  await registerOnlinedienst(s.db, {
    id,
    workflowId: `onlinedienst-${id}`,
    name: 'Hundehaltung melden',
    mandantId: 'leipzig',
    prozesseigner: 'pe-smk',
    kontakte: {},
    featureTags: [],
    mandanten: ['leipzig'],
    phase: 'klaerung',
    clock: { scale: 1, originReal: 0, originVirtual: 0 },
  });
  await s.db
    .insertInto('aktivierung')
    .values({
      id: `${id}-leipzig`,
      onlinedienst_id: id,
      mandant_id: 'leipzig',
      oe_id: 'oe-leipzig-ordnungsamt',
      leistung_id: LEISTUNG,
      status: 'entwurf',
    })
    .execute();
});
afterAll(() => s?.close());

const base = `/api/onlinedienste/${id}`;
const params = (parameter: { key: string; wert: string }[]) =>
  s.api('PUT', `${base}/aktivierungen/leipzig/prozessparameter`, { user: 'admin-leipzig', body: { parameter } });
const names = (res: { body: any }) => res.body.invalidParams.map((p: { name: string }) => p.name);

describe('form+process definitions for the Prozessmodellierer', () => {
  it('refuses unknown and mistyped Prozessparameter even before a process declares any', async () => {
    const typo = await params([{ key: 'gebuehr.betragCnt', wert: '3050' }]);
    expect(typo.status).toBe(400);
    expect(typo.headers.get('content-type')).toContain('application/problem+json');
    expect(typo.body.invalidParams).toEqual([
      { name: 'gebuehr.betragCnt', reason: 'Unbekannter Prozessparameter: vom Prozess nicht deklariert.' },
    ]);
    const dauer = await params([{ key: 'frist.widerspruch', wert: '30 Tage' }]);
    expect(names(dauer)).toEqual(['frist.widerspruch']);
    // A key of the Onlinedienst's own outside the standard namespaces stays possible until a process declares.
    expect((await params([{ key: 'empfaengerPostfach', wert: 'a@leipzig.de' }])).status).toBe(200);
  });

  it('creates, refuses, certifies, freezes and deploys versions', async () => {
    const broken = beispiel() as any;
    broken.abschnitte[0].felder[1].typ = 'ankreuzen';
    const refused = await s.api('POST', `${base}/formulare`, { user: pm, body: broken });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(names(refused)).toEqual(['/abschnitte/0/felder/1/typ']);
    expect((await s.api('POST', `${base}/formulare`, { user: 'pe-smk', body: beispiel() })).status).toBe(403);

    // A fee without its ePayBL parameters: storable as a draft, not certifiable.
    const draft = beispiel() as any;
    draft.prozess.parameter = draft.prozess.parameter.filter((p: any) => !p.name.startsWith('epaybl.'));
    const created = await s.api('POST', `${base}/formulare`, { user: pm, body: draft });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ version: '1.0', zertifiziert: false, stages: [] });
    expect(created.body.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const again = await s.api('POST', `${base}/formulare`, { user: pm, body: draft });
    expect([again.status, again.body.version, again.body.contentHash]).toEqual([200, '1.0', created.body.contentHash]);

    const cycle = beispiel() as any;
    cycle.abschnitte[0].felder[2].bedingung = { wirkung: 'anzeigen', wenn: { feld: 'vorfall', ausgefuellt: true } };
    const checked = await s.api('POST', `${base}/formulare/validierung`, { user: pm, body: cycle });
    expect(checked.status).toBe(200);
    expect(checked.body).toMatchObject({ formatGueltig: true, zertifizierbar: false });
    expect(checked.body.befunde.map((b: any) => [b.pfad, b.regel])).toEqual([
      ['/abschnitte/0/felder/2/bedingung', 'bedingung-zyklus'],
    ]);

    const failed = await s.api('POST', `${base}/formulare/1.0/zertifizierung`, { user: pm });
    expect(failed.status).toBe(422);
    expect(failed.headers.get('content-type')).toContain('application/problem+json');
    expect(names(failed)).toEqual(['/prozess/gebuehr']);
    expect(failed.body).toMatchObject({ bestanden: false, contentHash: created.body.contentHash });

    const fixed = await s.api('PUT', `${base}/formulare/1.0`, { user: pm, body: beispiel() });
    expect(fixed.status).toBe(200);
    expect(fixed.body.contentHash).not.toBe(created.body.contentHash);
    const passed = await s.api('POST', `${base}/formulare/1.0/zertifizierung`, { user: pm });
    expect(passed.status).toBe(200);
    expect(passed.body).toMatchObject({ bestanden: true, befunde: [], contentHash: fixed.body.contentHash });

    const shown = await s.api('GET', `${base}/formulare/1.0`, { user: 'zert-pruefstelle' });
    expect(shown.body.zertifiziert).toBe(true);
    expect(shown.body.zertifizierungen.map((z: any) => [z.bestanden, z.contentHash])).toEqual([
      [false, created.body.contentHash],
      [true, fixed.body.contentHash],
    ]);
    expect((await s.api('PUT', `${base}/formulare/1.0`, { user: pm, body: draft })).status).toBe(409);
    await expect(
      sql`update formular_definition set definition = '{}'::jsonb where onlinedienst_id = ${id}`.execute(s.db),
    ).rejects.toThrow(/immutable/);

    const prod = await s.api('POST', `${base}/formulare/1.0/bereitstellung`, {
      user: pm,
      body: { stage: 'produktion' },
    });
    expect(prod.status).toBe(409);
    const dev = await s.api('POST', `${base}/formulare/1.0/bereitstellung`, {
      user: pm,
      body: { stage: 'entwicklung' },
    });
    expect(dev.status).toBe(200);
    const stages = await s.api('GET', `${base}/stages`, { user: 'awb-sid' });
    expect(stages.body.items.map((x: any) => [x.stage, x.version, x.contentHash])).toEqual([
      ['entwicklung', '1.0', fixed.body.contentHash],
    ]);
    const list = await s.api('GET', `${base}/formulare`, { user: pm });
    expect(list.body.items.map((v: any) => [v.version, v.zertifiziert, v.stages])).toEqual([
      ['1.0', true, ['entwicklung']],
    ]);
  });

  it('validates a test Antrag against the version on the Entwicklungssystem', async () => {
    const antrag = (daten: Record<string, unknown>) =>
      s.api('POST', '/api/antraege', {
        user: 'pe-smk',
        body: {
          aktivierungId: `${id}-leipzig`,
          test: true,
          daten,
          antragsteller: { name: 'Paula Test', email: 'paula@example.org' },
        },
      });
    const bad = await antrag({ name: 'Bello', gefaehrlich: true, zahlart: 'bar' });
    expect(bad.status).toBe(400);
    expect(bad.body.invalidParams).toEqual([
      { name: 'daten.vorfall', reason: 'Pflichtfeld fehlt.' },
      { name: 'daten.wesenstest', reason: 'Pflichtfeld fehlt.' },
      { name: 'daten.zahlart', reason: 'Erlaubt: lastschrift, ueberweisung.' },
    ]);
    // Citizens get the production version only, and there is none yet.
    const citizen = await s.api('POST', '/api/antraege', {
      user: 'buerger-anna',
      body: {
        aktivierungId: 'anwohnerparken-leipzig',
        formularVersion: '9.0',
        daten: {},
        antragsteller: { name: 'Anna B', email: 'a@example.org' },
      },
    });
    expect([citizen.status, citizen.body.title]).toEqual([422, 'Formular unbekannt']);
  });

  it('takes only declared Prozessparameter of their type, and the gate names missing required ones', async () => {
    const undeclared = await params([
      { key: 'gebuehr.betragCent', wert: 'dreißig' },
      { key: 'empfaengerPostfach', wert: 'b@leipzig.de' },
    ]);
    expect(undeclared.status).toBe(400);
    expect(undeclared.body.invalidParams).toEqual([
      { name: 'gebuehr.betragCent', reason: 'Ganze Zahl erwartet. (Typ ganzzahl)' },
      { name: 'empfaengerPostfach', reason: 'Unbekannter Prozessparameter: vom Prozess nicht deklariert.' },
    ]);
    expect((await params([{ key: 'gebuehr.betragCent', wert: '3050' }])).status).toBe(200);
    const gate = await loadGateData(s.db, id);
    expect(gate.activations).toEqual([
      expect.objectContaining({
        mandantId: 'leipzig',
        fehlendeParameter: [
          'epaybl.mandantNr',
          'epaybl.bewirtschafterNr',
          'epaybl.haushaltsstelle',
          'epaybl.buchungstext',
        ],
      }),
    ]);
  });

  it('documents the modeller routes in the OpenAPI document', async () => {
    const doc = await s.api('GET', '/openapi.json');
    const paths = Object.keys(doc.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/onlinedienste/{id}/formulare',
        '/api/onlinedienste/{id}/formulare/{version}',
        '/api/onlinedienste/{id}/formulare/validierung',
        '/api/onlinedienste/{id}/formulare/{version}/zertifizierung',
        '/api/onlinedienste/{id}/formulare/{version}/bereitstellung',
        '/api/onlinedienste/{id}/stages',
      ]),
    );
    expect(doc.body.paths['/api/onlinedienste/{id}/formulare'].post['x-roles']).toEqual(['prozessmodellierer']);
  });
});
