// A change to an Onlinedienst in Betrieb produces a new form+process version (issue 10, point 4): the Prozessmodellierer
// uploads it and deploys it to the Entwicklungssystem, it is tested, certified — by the independent Zertifizierer
// for a large change (whose "bestanden" certifies the stored version), automatically for a small one — released by
// the Projektleitung and transferred by the AWB's ticket. Until that switch the old version serves citizens; an
// Antrag submitted on it finishes on it.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anwohnerparkenDefinition } from '../domain/formular/demo-definitionen';
import type { DefinitionEingabe } from '../domain/formular/format';
import { lifecycleStateQuery, lifecycleWorkflowId, type LifecycleView } from '../messages/onlinedienst';
import { antragStack, anwohnerparken, antragsteller, payPage, type AntragStack } from './harness/antrag';
import { ACTING, VALID } from './harness/lifecycle';
import { uniqueId } from './harness/servers';
import { eventually } from './harness/wait';

let h: AntragStack;
let akt: string;
// A copy of the seeded Anwohnerparken (its rows and certified version 1.0) under an id of this file's own: a
// lifecycle runs for ever on the one Temporal server all files share, so the seeded id is not free to take.
const ID = uniqueId('anwohnerparken');

beforeAll(async () => {
  h = await antragStack();
  await sql`insert into onlinedienst (id, name, prozess_name, prozess_version, formular_name, formular_version,
      prozesseigner, features)
    select ${ID}, name, prozess_name, prozess_version, formular_name, formular_version, prozesseigner, features
    from onlinedienst where id = 'anwohnerparken'`.execute(h.db);
  await sql`insert into onlinedienst_leistung (onlinedienst_id, leistung_id)
    select ${ID}, leistung_id from onlinedienst_leistung where onlinedienst_id = 'anwohnerparken'`.execute(h.db);
  await sql`insert into formular_definition (onlinedienst_id, version, definition, content_hash, zertifiziert_hash,
      created_by)
    select ${ID}, version, definition, content_hash, zertifiziert_hash, created_by
    from formular_definition where onlinedienst_id = 'anwohnerparken'`.execute(h.db);
  await sql`insert into formular_zertifizierung (onlinedienst_id, version, content_hash, regelwerk, bestanden, befunde,
      geprueft_von)
    select ${ID}, version, content_hash, regelwerk, bestanden, befunde, geprueft_von
    from formular_zertifizierung where onlinedienst_id = 'anwohnerparken'`.execute(h.db);
  await sql`insert into formular_stage (onlinedienst_id, stage, version, content_hash, deployed_by)
    select ${ID}, stage, version, content_hash, deployed_by
    from formular_stage where onlinedienst_id = 'anwohnerparken'`.execute(h.db);
  akt = await h.aktivierung(h.gebuehr(3050), { onlinedienstId: ID });
}, 120_000);
afterAll(() => h?.close());

const PM = 'pm-seitenbau';
const ref = (version: string) => ({ name: 'Anwohnerparken', version });

const state = (): Promise<LifecycleView> =>
  h.client.workflow.getHandle(lifecycleWorkflowId(ID)).query(lifecycleStateQuery);
const waitForPhase = (phase: string) =>
  eventually(
    async () => {
      const v = await state();
      return v.phase === phase ? v : undefined;
    },
    20_000,
    `phase ${phase}`,
  );

async function complete(taskId: string, fields: Record<string, unknown>, user?: string) {
  const task = (await state()).openTasks.find((t) => t.id === taskId);
  return h.api('POST', `/api/onlinedienste/${ID}/aufgaben/${encodeURIComponent(taskId)}`, {
    user: user ?? (task ? ACTING[task.role] : undefined) ?? 'pe-smk',
    body: fields,
  });
}
async function mustComplete(taskId: string, fields: Record<string, unknown> = VALID[taskId.split(':')[0]!]!) {
  const res = await complete(taskId, fields);
  if (res.status !== 200) throw new Error(`completing ${taskId} failed: ${res.status} ${res.text}`);
  return res.body;
}

/** A citizen's Antrag on the activation; the version it was taken on. */
async function einreichen(daten: Record<string, unknown>) {
  const res = await h.submit({
    aktivierungId: akt,
    daten,
    antragsteller: antragsteller(`${uniqueId('b')}@example.org`),
  });
  return res;
}
const versionVon = async (vn: string) => (await h.antrag(vn)).formular_version;
const stages = async () =>
  (await h.api('GET', `/api/onlinedienste/${ID}/stages`, { user: PM })).body.items.map(
    (s: any) => `${s.stage}:${s.version}`,
  );

/** v2: a new required field — a large change. v3: only a label — a small one. */
const v2: DefinitionEingabe = structuredClone(anwohnerparkenDefinition);
v2.abschnitte[2]!.felder.push({
  id: 'zweitwagen',
  typ: 'janein',
  label: 'Ist es Ihr Zweitwagen?',
  ausgabe: { xml: 'Ausweis/Zweitwagen', xfall: 'antrag.zweitwagen' },
} as never);
const v3: DefinitionEingabe = structuredClone(v2);
(v3.abschnitte[0]!.felder[0] as { label?: string }).label = 'Amtliches Kennzeichen';
v3.prozess.parameter = [...(v3.prozess.parameter ?? []), { name: 'hinweis.kontakt', typ: 'email', pflicht: false }];

async function ticketRecorded(workflowId: string) {
  await eventually(
    async () =>
      (await h.db
        .selectFrom('rollout_ticket')
        .select('status')
        .where('workflow_id', '=', workflowId)
        .executeTakeFirst()) !== undefined,
    15_000,
    'ticket recorded',
  );
}
const ticketCmd = (workflowId: string, body: unknown) =>
  h.api('POST', `/api/rollout-tickets/${workflowId}/befehle`, { user: 'awb-sid', body });

/** Prototyp → Test → Zertifizierung with `version` on the Entwicklungssystem. */
async function bisZertifizierung(version: string) {
  expect(
    (
      await h.api('POST', `/api/onlinedienste/${ID}/formulare/${version}/bereitstellung`, {
        user: PM,
        body: { stage: 'entwicklung' },
      })
    ).status,
  ).toBe(200);
  const bereit = await complete('prototyp-bereitstellen', {
    ...VALID['prototyp-bereitstellen'],
    prozess: ref(version),
    formular: ref(version),
    aenderungen: `Version ${version}`,
  });
  expect(bereit.status, bereit.text).toBe(200);
  expect((await state()).phase).toBe('test');
  await mustComplete('test-durchfuehren');
  await mustComplete('freigabe');
}

describe('a change in Betrieb produces a new version', () => {
  it('tests, certifies (Zertifizierer, large change), releases and transfers v2 while v1 serves; A1 finishes on v1', async () => {
    const created = await h.api('POST', '/api/onlinedienste', {
      user: 'pl-sk',
      body: {
        id: ID,
        name: 'Anwohnerparken',
        mandantId: 'leipzig',
        kontakte: { prozesseigner: 'anwohnerparken.pe@example.org' },
        featureTags: ['payment'],
        bestand: {
          prozess: ref('1.0'),
          formular: ref('1.0'),
          zertifizierungsReferenz: 'Z-2024-1',
          aktivierteMandanten: ['leipzig'],
        },
      },
    });
    expect(created.status, created.text).toBe(201);
    expect(await stages()).toEqual(['entwicklung:1.0', 'produktion:1.0']);

    // A1 on v1, waiting for its fee.
    const a1 = await einreichen(anwohnerparken());
    expect(a1.status).toBe(201);
    const vn1 = a1.body.vorgangsnummer as string;
    const zahlung1 = await h.waitFor('Kassenzeichen', () =>
      h.db.selectFrom('zahlung').selectAll().where('vorgangsnummer', '=', vn1).executeTakeFirst(),
    );
    expect(await versionVon(vn1)).toBe('1.0');

    // The change: a Rechtsänderung, implemented as a new version.
    const event = await h.api('POST', `/api/onlinedienste/${ID}/ereignisse/rechtsaenderung`, {
      user: 'pe-smk',
      body: {
        titel: 'Zweitwagen',
        rechtsgrundlage: '§ 45 Abs. 1b StVO',
        beschreibung: 'Zweitwagen sind anzugeben',
        inKraftAb: '2027-03-01',
      },
    });
    expect(event.status).toBe(201);
    const started = await mustComplete(event.body.taskId, {
      beschreibung: 'Zweitwagen sind anzugeben',
      inKraftAb: '2027-03-01',
      umsetzung: 'ohne-rezertifizierung',
    });
    expect(started.transitions.map((t: any) => `${t.from}→${t.to}`)).toEqual(['betrieb→prototyp']);
    let v = await state();
    expect(v.context.aenderung).toMatchObject({ anlass: 'rechtsaenderung', vollePruefung: false });
    expect(v.openTasks.map((t) => t.id)).toEqual(['prototyp-bereitstellen']);

    // v2 uploaded through the modeller's API; meanwhile citizens still get v1.
    const up2 = await h.api('POST', `/api/onlinedienste/${ID}/formulare`, { user: PM, body: v2 });
    expect(up2.status).toBe(201);
    expect(up2.body.version).toBe('2.0');
    const hash2 = up2.body.contentHash as string;
    await bisZertifizierung('2.0');
    expect(await stages()).toEqual(['entwicklung:2.0', 'produktion:1.0']);
    const zwischen = await einreichen(anwohnerparken());
    expect(zwischen.status).toBe(201);
    expect(await versionVon(zwischen.body.vorgangsnummer)).toBe('1.0');

    // A new required field is a large change: the independent Zertifizierer decides, seeing why and what the checks find.
    v = await state();
    expect(v.phase).toBe('zertifizierung');
    expect(v.context.aenderung).toMatchObject({ umfang: 'gross', gruende: ['Neues Pflichtfeld zweitwagen'] });
    const live = await h.api('GET', `/api/onlinedienste/${ID}`, { user: 'zert-pruefstelle' });
    const task = live.body.openTasks.find((t: any) => t.id === 'zertifizierung');
    expect(task.payload.automatischePruefung).toMatchObject({ version: '2.0', contentHash: hash2, bestanden: true });
    expect((await h.api('GET', `/api/onlinedienste/${ID}/formulare/2.0`, { user: PM })).body.zertifiziert).toBe(false);

    // The uncertified v2 is no transfer request.
    const early = await complete('uebernahme-beantragen', {
      prozess: ref('2.0'),
      formular: ref('2.0'),
      zertifizierungsReferenz: 'Z-x',
    });
    expect(early.status).toBe(422);
    expect(early.body.invalidParams).toEqual([{ name: 'formular.version', reason: 'nicht zertifiziert' }]);

    // The Zertifizierer's "bestanden" certifies exactly the stored v2 (a wrong hash is refused by name).
    const zert = { ...VALID.zertifizierung, zertifikat: 'Z-2027-3' };
    const wrongHash = await complete('zertifizierung', { ...zert, inhaltsHash: 'a'.repeat(64) });
    expect(wrongHash.status).toBe(422);
    expect(wrongHash.body.invalidParams.map((p: any) => p.name)).toEqual(['inhaltsHash']);
    const decided = await mustComplete('zertifizierung', { ...zert, inhaltsHash: hash2 });
    expect(decided.phase).toBe('produktivsetzung');
    const shown = await h.api('GET', `/api/onlinedienste/${ID}/formulare/2.0`, { user: PM });
    expect(shown.body.zertifiziert).toBe(true);
    expect(shown.body.zertifizierungen).toMatchObject([
      {
        contentHash: hash2,
        bestanden: true,
        geprueftVon: 'zert-pruefstelle',
        regelwerk: 'unabhaengige-zertifizierung',
      },
    ]);
    const edit = await h.api('PUT', `/api/onlinedienste/${ID}/formulare/2.0`, { user: PM, body: v3 });
    expect(edit.status).toBe(409);

    // Projektleitung, then the Prozesseigner's request opens the AWB's ticket.
    v = await state();
    expect(v.openTasks.map((t) => t.id)).toEqual(['produktivsetzung-freigeben']);
    await mustComplete('produktivsetzung-freigeben');
    await mustComplete('uebernahme-beantragen', {
      prozess: ref('2.0'),
      formular: ref('2.0'),
      zertifizierungsReferenz: 'Z-2027-3',
    });
    const ticket = (await state()).rollout.active!.workflowId;
    await ticketRecorded(ticket);
    expect((await ticketCmd(ticket, { type: 'assign', assigneeId: 'awb-sid' })).status).toBe(200);

    // A draft uploaded meanwhile (v3, uncertified) is refused by the ticket, naming the hash.
    const up3 = await h.api('POST', `/api/onlinedienste/${ID}/formulare`, { user: PM, body: v3 });
    expect(up3.body.version).toBe('3.0');
    const uncertified = await ticketCmd(ticket, {
      type: 'mark-transferred',
      produktivVersion: '3.0',
      inhaltsHash: up3.body.contentHash,
    });
    expect(uncertified.status).toBe(422);
    expect(uncertified.body.invalidParams.map((p: any) => p.name)).toContain('inhaltsHash');
    const stillV1 = await einreichen(anwohnerparken());
    expect(await versionVon(stillV1.body.vorgangsnummer)).toBe('1.0');
    expect(await stages()).toEqual(['entwicklung:2.0', 'produktion:1.0']);

    // The switch: the transfer deploys the certified v2 and the lifecycle is back in Betrieb.
    expect((await ticketCmd(ticket, { type: 'mark-transferred', produktivVersion: '2.0' })).status).toBe(200);
    expect(await stages()).toEqual(['entwicklung:2.0', 'produktion:2.0']);
    v = await waitForPhase('betrieb');
    expect(v.context.aenderung).toBeUndefined();
    expect(v.history.slice(-5).map((t) => t.to)).toEqual([
      'prototyp',
      'test',
      'zertifizierung',
      'produktivsetzung',
      'betrieb',
    ]);

    // New Anträge are taken on v2 (its required field asked for); A1, paid now, finishes on v1.
    const ohne = await einreichen(anwohnerparken());
    expect(ohne.status).toBe(400);
    expect(ohne.body.invalidParams.map((p: any) => p.name)).toContain('daten.zweitwagen');
    const mit = await einreichen(anwohnerparken({ zweitwagen: false }));
    expect(mit.status, mit.text).toBe(201);
    expect(await versionVon(mit.body.vorgangsnummer)).toBe('2.0');

    const backlink = await payPage(zahlung1.paypage_url, 'bezahlen', h.base);
    expect((await h.api('GET', backlink)).status).toBe(303);
    await h.zugestellt(vn1);
    expect(await versionVon(vn1)).toBe('1.0');
    expect((await h.sicht(vn1)).phase).not.toBe('zahlung-offen');
  });

  it('certifies a small change automatically and transfers it by a new ticket', async () => {
    const event = await h.api('POST', `/api/onlinedienste/${ID}/ereignisse/konfigurationsaenderung`, {
      user: 'admin-leipzig',
      body: {
        mandantId: 'leipzig',
        grund: 'Bürgeranfragen',
        gueltigAb: '2027-04-01',
        abschnitte: ['Fahrzeug'],
        aenderung: 'Beschriftung „Amtliches Kennzeichen“',
      },
    });
    expect(event.status).toBe(201);
    const started = await mustComplete(event.body.taskId, { umgesetztAm: '2027-03-15', kommentar: 'Beschriftung' });
    expect(started.phase).toBe('prototyp');
    await bisZertifizierung('3.0');
    // A parameter only the new version declares can be set before the switch.
    const param = await h.api('PUT', `/api/onlinedienste/${ID}/aktivierungen/leipzig/prozessparameter`, {
      user: 'admin-leipzig',
      body: { parameter: [{ key: 'hinweis.kontakt', wert: 'ordnungsamt@leipzig.de' }] },
    });
    expect(param.status, param.text).toBe(200);

    // Only a label: the automatic checks certify it, and the Projektleitung is next.
    const v = await waitForPhase('produktivsetzung');
    const zert = v.completedTasks.filter((t) => t.id === 'zertifizierung').at(-1)!;
    expect(zert.completedBy).toBe('automatische-zertifizierung');
    expect(v.context.aenderung).toMatchObject({ anlass: 'konfigurationsaenderung', umfang: 'klein', gruende: [] });
    const referenz = v.context.zertifizierungsReferenz!;
    expect(referenz).toMatch(/^AUTO-/);
    await mustComplete('produktivsetzung-freigeben');
    await mustComplete('uebernahme-beantragen', {
      prozess: ref('3.0'),
      formular: ref('3.0'),
      zertifizierungsReferenz: referenz,
    });
    const ticket = (await state()).rollout.active!.workflowId;
    expect(ticket).toBe(`rollout-${ID}-2`);
    await ticketRecorded(ticket);
    expect(await versionVon((await einreichen(anwohnerparken({ zweitwagen: true }))).body.vorgangsnummer)).toBe('2.0');
    await ticketCmd(ticket, { type: 'assign', assigneeId: 'awb-sid' });
    expect((await ticketCmd(ticket, { type: 'mark-transferred', produktivVersion: '3.0' })).status).toBe(200);
    await waitForPhase('betrieb');
    expect(await stages()).toEqual(['entwicklung:3.0', 'produktion:3.0']);
    expect(await versionVon((await einreichen(anwohnerparken({ zweitwagen: true }))).body.vorgangsnummer)).toBe('3.0');
  });
});
