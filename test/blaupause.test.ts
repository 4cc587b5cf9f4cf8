// The Blaupause path through the API: a Prozessmodellierer uploads the form+process definition, deploys it to the
// Entwicklungssystem, the automatic certification decides the Zertifizierung, the Projektleitung releases it, the
// AWB's ticket transfers exactly the certified hash to the Produktivsystem, the Mandant activates it with its
// required Prozessparameter — and a citizen's Antrag is taken on that version. Failing checks send it back to
// Prototyp with the JSON pointer of each finding; an uncertified or different version never reaches production.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schulanmeldungDefinition, SCHULANMELDUNG_BEISPIEL } from '../domain/formular/schulanmeldung';
import { VALID, lifecycleStack, type LifecycleStack } from './harness/lifecycle';
import { eventually } from './harness/wait';
import { SCHULANMELDUNG_ID, schulanmeldungBisTest } from '../scripts/demo-blaupause';

let h: LifecycleStack;
beforeAll(async () => {
  h = await lifecycleStack();
});
afterAll(async () => {
  await h?.close();
});

const PM = 'pm-seitenbau';

const ref = (version: string) => ({ name: 'Schulanmeldung', version });
const prototypFields = (version: string) => ({
  ...VALID['prototyp-bereitstellen'],
  prozess: ref(version),
  formular: ref(version),
});

/** A Blaupause Onlinedienst in Prototyp with `definition` uploaded as 1.0, Leipzig registered. */
async function blaupauseInPrototyp(definition: unknown) {
  const { id } = await h.createOnlinedienst({ blaupause: true, name: 'Digitale Schulanmeldung', featureTags: [] });
  const upload = await h.api('POST', `/api/onlinedienste/${id}/formulare`, { user: PM, body: definition });
  expect(upload.status).toBe(201);
  expect(upload.body.version).toBe('1.0');
  await h.driveTo(id, 'prototyp');
  const reg = await h.api('PUT', `/api/onlinedienste/${id}/aktivierungen/leipzig`, {
    user: 'admin-leipzig',
    body: {
      organisationseinheitId: 'oe-leipzig-ordnungsamt',
      leistungId: '99102013000000',
      kontakt: `${id}.leipzig@example.org`,
    },
  });
  expect(reg.status).toBe(200);
  return { id, hash: upload.body.contentHash as string };
}

const deployDev = (id: string, version: string) =>
  h.api('POST', `/api/onlinedienste/${id}/formulare/${version}/bereitstellung`, {
    user: PM,
    body: { stage: 'entwicklung' },
  });

describe('Blaupause: the certified form+process version from upload to the first Antrag', () => {
  it('goes from creation to Betrieb and takes an Antrag on the certified production version', async () => {
    const { id, hash } = await blaupauseInPrototyp(schulanmeldungDefinition);

    // The Prototyp names a stored version, and only one running on the Entwicklungssystem.
    const unknown = await h.complete(id, 'prototyp-bereitstellen', { fields: prototypFields('9.0') });
    expect(unknown.status).toBe(422);
    expect(unknown.body.invalidParams).toEqual([{ name: 'formular.version', reason: 'Version unbekannt' }]);
    const notDeployed = await h.complete(id, 'prototyp-bereitstellen', { fields: prototypFields('1.0') });
    expect(notDeployed.status).toBe(422);
    expect(notDeployed.body.invalidParams).toEqual([
      { name: 'formular.version', reason: 'nicht auf dem Entwicklungssystem' },
    ]);
    expect((await deployDev(id, '1.0')).status).toBe(200);

    // The required Prozessparameter (the school's Transferverzeichnis) is a gate finding until the Mandant sets it.
    const held = await h.complete(id, 'prototyp-bereitstellen', { fields: prototypFields('1.0') });
    expect(held.status).toBe(202);
    expect(JSON.stringify(held.body.gate)).toContain('prozessparameter-missing');
    const param = await h.api('PUT', `/api/onlinedienste/${id}/aktivierungen/leipzig/prozessparameter`, {
      user: 'admin-leipzig',
      body: { parameter: [{ key: 'zustellung.verzeichnis', wert: `schule-${id}` }] },
    });
    expect(param.status).toBe(200);
    const recheck = await h.api('POST', `/api/onlinedienste/${id}/gate-pruefung`, { user: 'pe-smk' });
    expect(recheck.status).toBe(200);
    expect((await h.state(id)).phase).toBe('test');

    // Test and Freigabe; entering Zertifizierung, the automatic certification completes the Zertifizierer's task.
    let v = await h.driveTo(id, 'produktivsetzung');
    const zert = v.completedTasks.find((t) => t.id === 'zertifizierung');
    expect(zert?.completedBy).toBe('automatische-zertifizierung');
    expect(v.context.zertifizierungsReferenz).toMatch(new RegExp(`^AUTO-\\d+-${hash.slice(0, 12)}$`));
    const shown = await h.api('GET', `/api/onlinedienste/${id}/formulare/1.0`, { user: PM });
    expect(shown.body.zertifiziert).toBe(true);

    // A second, uncertified version never reaches production, neither in the request nor in the ticket.
    const draft = structuredClone(schulanmeldungDefinition);
    draft.titel = 'Digitale Schulanmeldung (Entwurf)';
    const v2 = await h.api('POST', `/api/onlinedienste/${id}/formulare`, { user: PM, body: draft });
    expect(v2.body.version).toBe('2.0');
    await h.mustComplete(id, 'produktivsetzung-freigeben', { user: 'pl-sk' });
    const request = (version: string) => ({
      prozess: ref(version),
      formular: ref(version),
      zertifizierungsReferenz: v.context.zertifizierungsReferenz!,
      ticketId: `SD-${id}`,
    });
    const uncertifiedRequest = await h.complete(id, 'uebernahme-beantragen', { fields: request('2.0') });
    expect(uncertifiedRequest.status).toBe(422);
    expect(uncertifiedRequest.body.invalidParams).toEqual([{ name: 'formular.version', reason: 'nicht zertifiziert' }]);
    await h.mustComplete(id, 'uebernahme-beantragen', { fields: request('1.0') });
    v = await h.state(id);
    const ticketWf = v.rollout.active!.workflowId;
    const cmd = (body: unknown) => h.api('POST', `/api/rollout-tickets/${ticketWf}/befehle`, { user: 'awb-sid', body });
    // The ticket is listed once its workflow has recorded it.
    await eventually(
      async () =>
        (await h.db
          .selectFrom('rollout_ticket')
          .select('status')
          .where('workflow_id', '=', ticketWf)
          .executeTakeFirst()) !== undefined,
      15_000,
      'ticket recorded',
    );
    expect((await cmd({ type: 'assign', assigneeId: 'awb-sid' })).status).toBe(200);
    const uncertified = await cmd({ type: 'mark-transferred', produktivVersion: '2.0' });
    expect(uncertified.status).toBe(422);
    expect(uncertified.type).toContain('application/problem+json');
    expect(uncertified.body.invalidParams).toEqual([{ name: 'produktivVersion', reason: 'nicht zertifiziert' }]);
    const otherHash = await cmd({
      type: 'mark-transferred',
      produktivVersion: '1.0',
      inhaltsHash: v2.body.contentHash,
    });
    expect(otherHash.status).toBe(422);
    expect(otherHash.body.invalidParams).toEqual([{ name: 'inhaltsHash', reason: 'nicht der zertifizierte Inhalt' }]);
    const stagesBefore = await h.api('GET', `/api/onlinedienste/${id}/stages`, { user: PM });
    expect(stagesBefore.body.items.map((s: any) => s.stage)).toEqual(['entwicklung']);

    const transferred = await cmd({ type: 'mark-transferred', produktivVersion: '1.0', inhaltsHash: hash });
    expect(transferred.status).toBe(200);
    const stages = await h.api('GET', `/api/onlinedienste/${id}/stages`, { user: PM });
    expect(stages.body.items.find((s: any) => s.stage === 'produktion')).toMatchObject({
      version: '1.0',
      contentHash: hash,
    });

    // Aktivierung and the productive acceptance test, then Betrieb.
    await h.waitForPhase(id, 'aktivierung');
    v = await h.driveTo(id, 'betrieb');
    const aktivierung = await h.db
      .selectFrom('aktivierung')
      .selectAll()
      .where('id', '=', `${id}-leipzig`)
      .executeTakeFirstOrThrow();
    expect(aktivierung).toMatchObject({ status: 'aktiv', wartungsmodus: false });

    // A citizen's Antrag on the production version; a new version on the Entwicklungssystem does not change it.
    expect((await deployDev(id, '2.0')).status).toBe(200);
    const antrag = await h.api('POST', '/api/antraege', {
      user: 'buerger-anna',
      body: {
        aktivierungId: `${id}-leipzig`,
        antragsteller: { name: 'Anna Bürger', email: 'anna@example.org' },
        daten: SCHULANMELDUNG_BEISPIEL,
      },
    });
    expect(antrag.status).toBe(201);
    const row = await h.db
      .selectFrom('antrag')
      .select(['formular_version', 'onlinedienst_id'])
      .where('vorgangsnummer', '=', antrag.body.vorgangsnummer)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ formular_version: '1.0', onlinedienst_id: id });
    const bad = await h.api('POST', '/api/antraege', {
      user: 'buerger-anna',
      body: {
        aktivierungId: `${id}-leipzig`,
        antragsteller: { name: 'Anna Bürger', email: 'anna@example.org' },
        daten: { ...SCHULANMELDUNG_BEISPIEL, wunschschule1: 'gs-unbekannt' },
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.invalidParams.map((p: any) => p.name)).toContain('daten.wunschschule1');
  });

  it('sends a failed automatic certification back to Prototyp with the JSON pointer of each finding', async () => {
    const defect = structuredClone(schulanmeldungDefinition) as any;
    defect.abschnitte[1].felder[1].optionen = [];
    const { id } = await blaupauseInPrototyp(defect);
    expect((await deployDev(id, '1.0')).status).toBe(200);
    await h.api('PUT', `/api/onlinedienste/${id}/aktivierungen/leipzig/prozessparameter`, {
      user: 'admin-leipzig',
      body: { parameter: [{ key: 'zustellung.verzeichnis', wert: `schule-${id}` }] },
    });
    await h.mustComplete(id, 'prototyp-bereitstellen', { fields: prototypFields('1.0') });
    await h.mustComplete(id, 'test-durchfuehren');
    const freigabe = await h.mustComplete(id, 'freigabe');
    expect(freigabe.transitions.map((t: any) => t.to)).toEqual(['zertifizierung']);
    const v = await eventually(async () => {
      const s = await h.state(id);
      return s.phase === 'prototyp' ? s : undefined;
    });
    const back = v.history.at(-1)!;
    expect(back.reason).toContain('Zertifizierung nicht bestanden');
    expect(back.reason).toContain('/abschnitte/1/felder/1/optionen');
    expect(v.openTasks.map((t) => t.id)).toEqual(['prototyp-bereitstellen']);
    const evidence = await h.db
      .selectFrom('formular_zertifizierung')
      .selectAll()
      .where('onlinedienst_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(evidence).toMatchObject({ bestanden: false, geprueft_von: 'automatische-zertifizierung' });
    const shown = await h.api('GET', `/api/onlinedienste/${id}/formulare/1.0`, { user: PM });
    expect(shown.body.zertifiziert).toBe(false);
  });

  it('shows the independent Zertifizierer the automatic findings on the full path, and leaves the decision to them', async () => {
    const defect = structuredClone(schulanmeldungDefinition) as any;
    defect.abschnitte[1].felder[1].optionen = [];
    const { id } = await h.createOnlinedienst({ name: 'Schulanmeldung (Dienstleister)', featureTags: [] });
    expect((await h.api('POST', `/api/onlinedienste/${id}/formulare`, { user: PM, body: defect })).status).toBe(201);
    expect((await deployDev(id, '1.0')).status).toBe(200);
    await h.driveTo(id, 'prototyp');
    await h.api('PUT', `/api/onlinedienste/${id}/aktivierungen/leipzig`, {
      user: 'admin-leipzig',
      body: { organisationseinheitId: 'oe-leipzig-ordnungsamt', leistungId: '99102013000000' },
    });
    await h.api('PUT', `/api/onlinedienste/${id}/aktivierungen/leipzig/prozessparameter`, {
      user: 'admin-leipzig',
      body: { parameter: [{ key: 'zustellung.verzeichnis', wert: `schule-${id}` }] },
    });
    await h.mustComplete(id, 'prototyp-bereitstellen', { fields: prototypFields('1.0') });
    await h.driveTo(id, 'zertifizierung');
    const live = await h.api('GET', `/api/onlinedienste/${id}`, { user: 'zert-pruefstelle' });
    expect(live.status).toBe(200);
    const task = live.body.openTasks.find((t: any) => t.id === 'zertifizierung');
    expect(task.payload.automatischePruefung).toMatchObject({
      version: '1.0',
      bestanden: false,
      befunde: [{ pfad: '/abschnitte/1/felder/1/optionen', regel: 'optionen' }],
    });
    // Nothing decided by itself: the task waits for the Zertifizierer, who sends it back with the finding.
    expect((await h.state(id)).phase).toBe('zertifizierung');
    const decided = await h.mustComplete(id, 'zertifizierung', {
      fields: {
        ergebnis: 'nicht-bestanden',
        loggingGeprueft: true,
        endlosschleifenGeprueft: true,
        befunde: '/abschnitte/1/felder/1/optionen: keine Optionen',
      },
    });
    expect(decided.transitions.map((t: any) => t.to)).toEqual(['prototyp']);
  });

  it("walks the README's path for the demo Schulanmeldung from Test to Betrieb and its first Antrag", async () => {
    const id = SCHULANMELDUNG_ID;
    const created = await h.api('POST', '/api/onlinedienste', {
      user: 'pe-smk',
      body: {
        id,
        name: 'Digitale Schulanmeldung',
        mandantId: 'leipzig',
        kontakte: { prozesseigner: 'schulanmeldung.pe@example.org' },
        mandanten: ['leipzig'],
        blaupause: true,
      },
    });
    expect(created.status).toBe(201);
    const call = async (method: string, path: string, user: string, body?: unknown) =>
      fetch(`${h.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await h.token(user)}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    expect(await schulanmeldungBisTest(call)).toBe(true);
    expect(await schulanmeldungBisTest(call)).toBe(false);
    expect((await h.state(id)).phase).toBe('test');

    const done = (taskId: string, user: string, fields: Record<string, unknown> = VALID[taskId.split(':')[0]!]!) =>
      h.mustComplete(id, taskId, { user, fields });
    await done('test-durchfuehren', 'tt-sid');
    await done('freigabe', 'pe-smk', { entscheidung: 'erteilt' });
    await done('leistungsbeschreibung-final', 'redaktion-sk', { leistungId: '99041002000000', abgestimmt: true });
    await done('rollout-planen', 'pe-smk');
    await h.waitForPhase(id, 'produktivsetzung');
    await done('produktivsetzung-freigeben', 'pl-sk');
    const referenz = (await h.state(id)).context.zertifizierungsReferenz!;
    expect(referenz).toMatch(/^AUTO-/);
    await done('uebernahme-beantragen', 'pe-smk', {
      prozess: ref('1.0'),
      formular: ref('1.0'),
      zertifizierungsReferenz: referenz,
    });
    const ticket = `rollout-${id}-1`;
    await eventually(
      async () =>
        (await h.db
          .selectFrom('rollout_ticket')
          .select('status')
          .where('workflow_id', '=', ticket)
          .executeTakeFirst()) !== undefined,
      15_000,
      'ticket recorded',
    );
    const cmd = (body: unknown) => h.api('POST', `/api/rollout-tickets/${ticket}/befehle`, { user: 'awb-sid', body });
    expect((await cmd({ type: 'assign', assigneeId: 'awb-sid' })).status).toBe(200);
    expect((await cmd({ type: 'mark-transferred', produktivVersion: '1.0' })).status).toBe(200);
    const stages = await h.api('GET', `/api/onlinedienste/${id}/stages`, { user: PM });
    expect(stages.body.items.map((s: any) => `${s.stage}:${s.version}`)).toEqual(['entwicklung:1.0', 'produktion:1.0']);
    await h.waitForPhase(id, 'aktivierung');
    await done('deployment', PM);
    await done('aktivierung:leipzig', 'admin-leipzig', {
      ...VALID.aktivierung,
      leistungId: '99041002000000',
      organisationseinheitId: 'oe-leipzig-schulamt',
    });
    await done('abnahmetest:leipzig', 'admin-leipzig');
    await done('wartungsmodus-aus:leipzig', 'admin-leipzig');
    expect((await h.waitForPhase(id, 'betrieb')).phase).toBe('betrieb');
    const antrag = await h.api('POST', '/api/antraege', {
      user: 'buerger-anna',
      body: {
        aktivierungId: `${id}-leipzig`,
        antragsteller: { name: 'Anna Bürger', email: 'anna@example.org' },
        daten: SCHULANMELDUNG_BEISPIEL,
      },
    });
    expect(antrag.status).toBe(201);
  });
});
