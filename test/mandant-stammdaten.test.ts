// The Mandant fixes what the gate check reports through the API alone: an Organisationseinheit with its
// Kommunikation, a Behördenkonto as its channel, the Zuständigkeit for the Leistung, Impressum, Logo and
// Datenschutzbeauftragte — each finding links to the page that fixes it, and the held phase moves on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lifecycleStack, type LifecycleStack } from './harness/lifecycle';
import { LEISTUNG } from './harness/stack';

let h: LifecycleStack;
beforeAll(async () => {
  h = await lifecycleStack();
});
afterAll(async () => {
  await h?.close();
});

const codes = (body: any) => body.gate.activations[0].failures.map((f: any) => f.code);
const links = (body: any) => Object.fromEntries(body.gate.activations[0].failures.map((f: any) => [f.code, f.link]));

describe('Mandant master data', () => {
  it('fixes every gate finding through the API and the gate passes', async () => {
    const { id } = await h.createOnlinedienst({ mandanten: ['dresden'] });
    await h.driveTo(id, 'prototyp');

    // A new Organisationseinheit of Dresden with its Kommunikation.
    const created = await h.api('POST', '/api/mandanten/dresden/organisationseinheiten', {
      user: 'admin-dresden',
      body: { name: 'Straßenverkehrsamt', email: 'strassenverkehr@dresden.de', telefon: '+49 351 488-0' },
    });
    expect(created.status).toBe(201);
    const oeId = 'oe-dresden-strassenverkehrsamt';
    expect(created.body).toEqual({
      id: oeId,
      mandantId: 'dresden',
      name: 'Straßenverkehrsamt',
      kommunikation: { email: 'strassenverkehr@dresden.de', telefon: '+49 351 488-0', behoerdenkontoId: null },
      veroeffentlicht: false,
      zustaendigkeiten: [],
    });
    const published = await h.api('PATCH', `/api/mandanten/dresden/organisationseinheiten/${oeId}`, {
      user: 'admin-dresden',
      body: { veroeffentlicht: true },
    });
    expect(published.status).toBe(200);
    expect(published.body.veroeffentlicht).toBe(true);

    const activation = await h.api('PUT', `/api/onlinedienste/${id}/aktivierungen/dresden`, {
      user: 'admin-dresden',
      body: { organisationseinheitId: oeId, leistungId: LEISTUNG },
    });
    expect(activation.status).toBe(200);
    let held = await h.complete(id, 'prototyp-bereitstellen');
    expect(held.status).toBe(202);
    expect(codes(held.body)).toEqual([
      'leistung-not-linked',
      'behoerdenkonto-missing',
      'impressum-missing',
      'logo-missing',
      'datenschutzbeauftragter-missing',
    ]);
    // Each finding names the page that fixes it.
    expect(links(held.body)).toEqual({
      'leistung-not-linked': `/mandanten/dresden/organisationseinheiten/${oeId}#zustaendigkeiten`,
      'behoerdenkonto-missing': '/mandanten/dresden#behoerdenkonten',
      'impressum-missing': '/mandanten/dresden#stammdaten',
      'logo-missing': '/mandanten/dresden#stammdaten',
      'datenschutzbeauftragter-missing': '/mandanten/dresden#stammdaten',
    });
    // The live state the UI reads carries the same links.
    const state = await h.api('GET', `/api/onlinedienste/${id}`, { user: 'admin-dresden' });
    expect(state.body.gate.last.activations[0].failures[0].link).toBe(
      `/mandanten/dresden/organisationseinheiten/${oeId}#zustaendigkeiten`,
    );

    // Impressum, Logo, Datenschutzbeauftragte; a Behördenkonto for Dresden.
    expect(
      (
        await h.api('PUT', '/api/mandanten/dresden', {
          user: 'admin-dresden',
          body: {
            name: 'Landeshauptstadt Dresden',
            impressum: 'Landeshauptstadt Dresden, Dr.-Külz-Ring 19, 01067 Dresden',
            logoUrl: 'https://www.dresden.de/logo.svg',
            datenschutzbeauftragteR: { name: 'Datenschutzbeauftragter Dresden', email: 'datenschutz@dresden.de' },
          },
        })
      ).status,
    ).toBe(200);
    const konto = await h.api('POST', '/api/mandanten/dresden/behoerdenkonten', {
      user: 'admin-dresden',
      body: { id: 'bk-dresden-strassenverkehr', bezeichnung: 'Straßenverkehrsamt', postfachHandle: 'bk:dresden:sva' },
    });
    expect(konto.status).toBe(201);
    held = await h.api('POST', `/api/onlinedienste/${id}/gate-pruefung`, { user: 'admin-dresden' });
    expect(held.status).toBe(202);
    expect(codes(held.body)).toEqual(['leistung-not-linked', 'behoerdenkonto-not-channel']);
    expect(links(held.body)['behoerdenkonto-not-channel']).toBe(
      `/mandanten/dresden/organisationseinheiten/${oeId}#kanal`,
    );

    // The Behördenkonto as the OE's channel, the OE zuständig for the Leistung.
    const kanal = await h.api('PUT', `/api/mandanten/dresden/organisationseinheiten/${oeId}/kanal`, {
      user: 'admin-dresden',
      body: { behoerdenkontoId: 'bk-dresden-strassenverkehr' },
    });
    expect(kanal.status).toBe(200);
    expect(kanal.body.kommunikation.behoerdenkontoId).toBe('bk-dresden-strassenverkehr');
    const link = await h.api(
      'PUT',
      `/api/mandanten/dresden/organisationseinheiten/${oeId}/zustaendigkeiten/${LEISTUNG}`,
      { user: 'admin-dresden' },
    );
    expect(link.status).toBe(200);
    expect(link.body.zustaendigkeiten).toEqual([{ leistungId: LEISTUNG, name: 'Anwohnerparkausweis' }]);

    const passed = await h.api('POST', `/api/onlinedienste/${id}/gate-pruefung`, { user: 'admin-dresden' });
    expect(passed.status).toBe(200);
    expect(passed.body).toMatchObject({ status: 'erledigt', phase: 'test', gate: { passed: true } });

    // Every change is in the append-only audit log, with who made it.
    const audit = await h.db
      .selectFrom('audit_log')
      .select(['action', 'actor', 'subject_id'])
      .where('mandant_id', '=', 'dresden')
      .where('subject_type', 'in', ['organisationseinheit', 'behoerdenkonto', 'mandant'])
      .orderBy('id')
      .execute();
    expect(audit.map((a) => `${a.action}/${a.actor}/${a.subject_id}`)).toEqual([
      `organisationseinheit.angelegt/admin-dresden/${oeId}`,
      `organisationseinheit.geaendert/admin-dresden/${oeId}`,
      'mandant.stammdaten.geaendert/admin-dresden/dresden',
      'behoerdenkonto.angelegt/admin-dresden/bk-dresden-strassenverkehr',
      `organisationseinheit.kanal.gesetzt/admin-dresden/${oeId}`,
      `organisationseinheit.zustaendigkeit.verknuepft/admin-dresden/${oeId}`,
    ]);
  });

  it('scopes Organisationseinheiten by Mandant, names invalid fields in German and documents the routes', async () => {
    // Another Mandant's admin neither sees nor changes Dresden's OEs; the AWB maintains every Mandant's.
    expect(
      (await h.api('GET', '/api/mandanten/dresden/organisationseinheiten', { user: 'admin-leipzig' })).status,
    ).toBe(404);
    const foreign = await h.api('POST', '/api/mandanten/dresden/organisationseinheiten', {
      user: 'admin-leipzig',
      body: { name: 'Fremdamt' },
    });
    expect(foreign.status).toBe(404);
    expect(
      (
        await h.api('PUT', '/api/mandanten/dresden/organisationseinheiten/oe-dresden-buergeramt/kanal', {
          user: 'admin-leipzig',
          body: { behoerdenkontoId: 'bk-leipzig-ordnungsamt' },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await h.api('POST', '/api/mandanten/leipzig/organisationseinheiten', {
          user: 'sb-leipzig',
          body: { name: 'Sachgebiet' },
        })
      ).status,
    ).toBe(403);
    const byAwb = await h.api('POST', '/api/mandanten/leipzig/organisationseinheiten', {
      user: 'awb-sid',
      body: { id: 'oe-leipzig-buergeramt', name: 'Bürgeramt', veroeffentlicht: true },
    });
    expect(byAwb.status).toBe(201);

    const invalid = await h.api('POST', '/api/mandanten/leipzig/organisationseinheiten', {
      user: 'admin-leipzig',
      body: { name: 'X', email: 'kein-postfach', telefon: 'ruf mich an' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.type).toContain('application/problem+json');
    expect(invalid.body.invalidParams).toEqual([
      { name: 'name', reason: 'Mindestens 2 Zeichen.' },
      { name: 'email', reason: 'Ungültige E-Mail-Adresse.' },
      { name: 'telefon', reason: 'Ungültige Telefonnummer (Ziffern, Leerzeichen, + ( ) / -).' },
    ]);
    const taken = await h.api('POST', '/api/mandanten/leipzig/organisationseinheiten', {
      user: 'admin-leipzig',
      body: { name: 'Bürgeramt' },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.invalidParams).toEqual([
      { name: 'name', reason: 'Die Kennung oe-leipzig-buergeramt ist schon vergeben.' },
    ]);
    // Only the Mandant's own Behördenkonten can be its OEs' channel.
    const otherKonto = await h.api('PUT', '/api/mandanten/dresden/organisationseinheiten/oe-dresden-buergeramt/kanal', {
      user: 'admin-dresden',
      body: { behoerdenkontoId: 'bk-leipzig-ordnungsamt' },
    });
    expect(otherKonto.status).toBe(400);
    expect(otherKonto.body.invalidParams).toEqual([
      {
        name: 'behoerdenkontoId',
        reason: 'Das Behördenkonto bk-leipzig-ordnungsamt ist für den Mandanten dresden nicht angelegt.',
      },
    ]);

    // Link and unlink a Zuständigkeit; unlinking what is not linked is not found.
    const path = '/api/mandanten/leipzig/organisationseinheiten/oe-leipzig-buergeramt/zustaendigkeiten/99050012104000';
    expect((await h.api('PUT', path, { user: 'admin-leipzig' })).body.zustaendigkeiten).toHaveLength(1);
    expect((await h.api('DELETE', path, { user: 'admin-leipzig' })).body.zustaendigkeiten).toEqual([]);
    const again = await h.api('DELETE', path, { user: 'admin-leipzig' });
    expect(again.status).toBe(404);
    expect(
      (
        await h.api('PUT', '/api/mandanten/leipzig/organisationseinheiten/oe-leipzig-buergeramt/zustaendigkeiten/1', {
          user: 'admin-leipzig',
        })
      ).body.detail,
    ).toBe('Die Leistung 1 ist im System nicht vorhanden.');

    const list = await h.api('GET', '/api/mandanten/leipzig/organisationseinheiten', { user: 'admin-leipzig' });
    // Leipzig's seeded offices (the Amt für Schule receives the demo Schulanmeldung), none of another Mandant.
    expect(list.body.items.map((o: any) => [o.id, o.veroeffentlicht, o.kommunikation.behoerdenkontoId])).toEqual([
      ['oe-leipzig-schulamt', true, 'bk-leipzig-schulamt'],
      ['oe-leipzig-buergeramt', true, null],
      ['oe-leipzig-ordnungsamt', true, 'bk-leipzig-ordnungsamt'],
    ]);
    const leistungen = await h.api('GET', '/api/leistungen', { user: 'admin-leipzig' });
    expect(leistungen.body.items.map((l: any) => l.id)).toEqual(expect.arrayContaining([LEISTUNG, '99050012104000']));

    const doc = (await h.api('GET', '/openapi.json')).body;
    const oe = doc.paths['/api/mandanten/{id}/organisationseinheiten/{oeId}'];
    expect(Object.keys(oe)).toEqual(expect.arrayContaining(['get', 'patch']));
    expect(oe.patch['x-roles']).toEqual(['mandant-admin', 'awb']);
    expect(doc.paths['/api/mandanten/{id}/organisationseinheiten/{oeId}/zustaendigkeiten/{leistungId}']).toHaveProperty(
      'delete',
    );
    expect(doc.paths['/api/mandanten/{id}/behoerdenkonten']).toHaveProperty('post');
    expect(doc.paths['/api/leistungen']).toHaveProperty('get');
  });
});
