// The process definition of an Antrag's version drives it: the recipient is the school the parents chose
// (prozess.empfaenger), the delivered JSON follows the fields' output mapping, a process without Nachforderung
// refuses one, and a school without a channel is a Störung for its Mandant — fixed through the API, then retried.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruefeDefinition } from '../domain/formular/definition';
import { deployStage, insertVersion } from '../db/stores/formular';
import { schulanmeldungDefinition, SCHULANMELDUNG_BEISPIEL } from '../domain/formular/schulanmeldung';
import { safeFolderName } from '../integrations/transfer/filenames';
import { anwohnerparkenDefinition } from '../domain/formular/demo-definitionen';
import { antragStack, antragsteller, anwohnerparken, type AntragStack } from './harness/antrag';
import { uniqueId } from './harness/servers';
import { mailsTo, waitForMailTo } from './harness/wait';
import { LEISTUNG as STACK_LEISTUNG } from './harness/stack';

let h: AntragStack;
beforeAll(async () => {
  h = await antragStack();
}, 120_000);
afterAll(() => h?.close());

const LEISTUNG = '99041002000000';

/** A Schulanmeldung whose schools are `schulen` (OE ids), without Nachforderung, in production. */
async function schulanmeldung(
  schulen: string[],
  o: { fitconnect?: boolean; nachforderung?: unknown; parameter?: Record<string, string> } = {},
) {
  const def = structuredClone(schulanmeldungDefinition) as any;
  const optionen = schulen.map((s) => ({ wert: s, label: `Grundschule ${s}` }));
  def.abschnitte[1].felder[1].optionen = optionen;
  def.abschnitte[1].felder[2].optionen = optionen;
  def.prozess.nachforderung = o.nachforderung ?? { erlaubt: false };
  if (o.fitconnect) {
    def.prozess.zustellung = { modus: 'fitconnect', ausgabeformat: 'xfall' };
    def.abschnitte[0].felder[0].ausgabe = { xfall: 'kind.vorname' };
    def.abschnitte[1].felder[1].ausgabe = { xfall: 'anmeldung.schule' };
  }
  // The harness's FIT-Connect destination takes submissions for its own Leistung.
  const parameter = { ...o.parameter, 'zustellung.verzeichnis': '' };
  return inProduktion(def, parameter, o.fitconnect ? STACK_LEISTUNG : LEISTUNG);
}

/** An Onlinedienst with `def` as version 1.0 in production, activated for Leipzig with `parameter`. */
async function inProduktion(def: unknown, parameter: Record<string, string>, leistung: string) {
  const od = uniqueId('od');
  const geprueft = pruefeDefinition(def);
  if (!geprueft.ok) throw new Error(JSON.stringify(geprueft.befunde));
  await h.db
    .insertInto('onlinedienst')
    .values({
      id: od,
      name: 'Digitale Schulanmeldung',
      prozess_name: 'Schulanmeldung',
      prozess_version: '1.0',
      formular_name: 'Schulanmeldung',
      formular_version: '1.0',
      prozesseigner: 'pe-smk',
      features: '[]',
    })
    .execute();
  const { row } = await insertVersion(h.db, { onlinedienstId: od, definition: geprueft.definition, createdBy: 'pm' });
  await deployStage(h.db, {
    onlinedienstId: od,
    stage: 'produktion',
    version: row.version,
    contentHash: row.content_hash,
    by: 'awb-sid',
  });
  const akt = `${od}-leipzig`;
  await h.db
    .insertInto('aktivierung')
    .values({
      id: akt,
      onlinedienst_id: od,
      mandant_id: 'leipzig',
      oe_id: 'oe-leipzig-schulamt',
      leistung_id: leistung,
      status: 'aktiv',
    })
    .execute();
  // The activation's own folder ('' = named after it) must stay empty when the recipient comes from an answer.
  const werte = { ...parameter, 'zustellung.verzeichnis': parameter['zustellung.verzeichnis'] || akt };
  await h.db
    .insertInto('prozessparameter')
    .values(
      Object.entries(werte).map(([key, value]) => ({
        aktivierung_id: akt,
        key,
        value,
        value_encrypted: null,
        protected: false,
      })),
    )
    .execute();
  fs.mkdirSync(path.join(h.transferRoot, akt), { recursive: true });
  return akt;
}

async function schule(id: string, verzeichnis?: string, email?: string) {
  const res = await h.api('POST', '/api/mandanten/leipzig/organisationseinheiten', {
    user: 'admin-leipzig',
    body: { id, name: `Grundschule ${id}`, veroeffentlicht: true, ...(email ? { email } : {}) },
  });
  expect(res.status).toBe(201);
  if (verzeichnis) await zustellkanal(id, verzeichnis);
}

async function zustellkanal(id: string, verzeichnis: string) {
  fs.mkdirSync(path.join(h.transferRoot, verzeichnis), { recursive: true });
  const res = await h.api('PUT', `/api/mandanten/leipzig/organisationseinheiten/${id}/zustellkanal`, {
    user: 'admin-leipzig',
    body: { verzeichnis },
  });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ oeId: id, verzeichnis });
}

const anmelden = async (akt: string, erstwunsch: string) => {
  const res = await h.submit({
    aktivierungId: akt,
    daten: { ...SCHULANMELDUNG_BEISPIEL, wunschschule1: erstwunsch, wunschschule2: undefined },
    antragsteller: antragsteller(`${uniqueId('eltern')}@example.org`),
  });
  expect(res.status).toBe(201);
  return res.body.vorgangsnummer as string;
};

const geliefert = (verzeichnis: string, vn: string) =>
  JSON.parse(fs.readFileSync(path.join(h.transferRoot, verzeichnis, safeFolderName(vn), 'antrag.json'), 'utf8'));

describe('Schulanmeldung: the chosen school receives the Antrag', () => {
  it('delivers two Anträge to the folders of their first-choice schools, shaped by the output mapping', async () => {
    const nord = uniqueId('gs-nord');
    const mitte = uniqueId('gs-mitte');
    await schule(nord, `${nord}-post`);
    await schule(mitte, `${mitte}-post`);
    const akt = await schulanmeldung([nord, mitte]);

    const vnNord = await anmelden(akt, nord);
    const vnMitte = await anmelden(akt, mitte);
    const [zNord, zMitte] = [await h.zugestellt(vnNord), await h.zugestellt(vnMitte)];
    expect(zNord.endpunkt).toBe(`transfer-plain:${nord}-post`);
    expect(zMitte.endpunkt).toBe(`transfer-plain:${mitte}-post`);
    expect(fs.readdirSync(path.join(h.transferRoot, akt))).toEqual([]);

    const json = geliefert(`${nord}-post`, vnNord);
    expect(json.vorgangsnummer).toBe(vnNord);
    expect(json.formData).toMatchObject({
      kind: { vorname: 'Mia', nachname: 'Bürger', geburtsdatum: '2020-08-14' },
      schule: { bezirk: 'mitte', erstwunsch: nord },
      sorgeberechtigte: { name: 'Anna Bürger', email: 'anna@example.org' },
    });
    for (const roh of ['vorname', 'wunschschule1', 'schulbezirk']) expect(json.formData).not.toHaveProperty(roh);
    expect(geliefert(`${mitte}-post`, vnMitte).formData.schule.erstwunsch).toBe(mitte);
    expect(fs.existsSync(path.join(h.transferRoot, `${mitte}-post`, safeFolderName(vnNord)))).toBe(false);

    // The process has no Nachforderung: the authority is told so.
    await h.waitFor('delivered in the workflow', async () => (await h.sicht(vnNord)).phase === 'zugestellt');
    const nf = await h.api('POST', `/api/antraege/${vnNord}/bearbeitung`, {
      user: 'sb-leipzig',
      body: { status: 'nachforderung', text: 'Bitte Geburtsurkunde nachreichen.' },
    });
    expect(nf.status).toBe(409);
    expect(nf.body.detail).toContain('sieht keine Nachforderung vor');
    const ok = await h.api('POST', `/api/antraege/${vnNord}/bearbeitung`, {
      user: 'sb-leipzig',
      body: { status: 'in-bearbeitung' },
    });
    expect(ok.status).toBe(200);
  }, 90_000);

  it('makes a school without a channel a Störung for the Mandant; set up and retried, it is delivered', async () => {
    const ohne = uniqueId('gs-ohne');
    await schule(ohne);
    const akt = await schulanmeldung([ohne]);
    const vn = await anmelden(akt, ohne);

    const wartet = await h.waitFor('waiting on the Störung', async () => (await h.sicht(vn)).stoerung);
    expect(wartet).toMatchObject({ schritt: 'eingang', typ: 'EmpfaengerFehler' });
    const row = await h.db
      .selectFrom('stoerung')
      .selectAll()
      .where('vorgangsnummer', '=', vn)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ art: 'dauerhaft', behebbar_durch: 'mandant', mandant_id: 'leipzig' });
    expect(row.was).toContain(`(${ohne}) hat kein Transferverzeichnis`);
    expect((await h.handle(vn).describe()).status.name).toBe('RUNNING');
    expect(await h.db.selectFrom('zustellung').selectAll().where('vorgangsnummer', '=', vn).execute()).toEqual([]);

    await zustellkanal(ohne, `${ohne}-post`);
    const retry = await h.api('POST', `/api/stoerungen/${row.ursache_id}/wiederholen`, {
      user: 'admin-leipzig',
      body: {},
    });
    expect(retry.status).toBe(202);
    const z = await h.zugestellt(vn);
    expect(z.endpunkt).toBe(`transfer-plain:${ohne}-post`);
    expect(geliefert(`${ohne}-post`, vn).formData.schule.erstwunsch).toBe(ohne);
  }, 90_000);

  it("gives a Nachforderung without a deadline the process's default one", async () => {
    const nf = uniqueId('gs-nf');
    await schule(nf, `${nf}-post`);
    const akt = await schulanmeldung([nf], { nachforderung: { erlaubt: true, frist: '14d' } });
    const vn = await anmelden(akt, nf);
    await h.zugestellt(vn);
    await h.waitFor('delivered in the workflow', async () => (await h.sicht(vn)).phase === 'zugestellt');
    const vorher = Date.now();
    const res = await h.api('POST', `/api/antraege/${vn}/bearbeitung`, {
      user: 'sb-leipzig',
      body: { status: 'nachforderung', text: 'Bitte Geburtsurkunde nachreichen.' },
    });
    expect(res.status).toBe(200);
    const frist = Date.parse(res.body.bearbeitung.nachforderung.frist);
    expect(frist).toBeGreaterThanOrEqual(vorher + 14 * 86_400_000);
    expect(frist).toBeLessThanOrEqual(Date.now() + 14 * 86_400_000);
  }, 90_000);

  it("reminds the chosen school, not the activation's office, of an Anmeldung nobody fetched", async () => {
    const id = uniqueId('gs-post');
    const email = `${id}@schule.example`;
    await schule(id, `${id}-post`, email);
    const akt = await schulanmeldung([id], {
      parameter: { 'frist.transferAbfrage': '300ms', 'frist.transferErinnerung': '1s' },
    });
    const vn = await anmelden(akt, id);
    await h.zugestellt(vn);
    const erinnerung = await waitForMailTo(email, new RegExp(`Antrag ${vn} liegt noch im Transferverzeichnis`));
    expect(erinnerung.text).toContain('Bitte holen Sie ihn ab');
    expect((await mailsTo('schulamt@leipzig.de')).map((m) => m.subject).join('\n')).not.toContain(vn);
  }, 90_000);

  it("sends a FIT-Connect submission to the school's destination, its data shaped by the xFall mapping", async () => {
    const fc = uniqueId('gs-fc');
    await schule(fc);
    const res = await h.api('PUT', `/api/mandanten/leipzig/organisationseinheiten/${fc}/zustellkanal`, {
      user: 'admin-leipzig',
      body: { verzeichnis: null, fitconnectDestinationId: h.destination.destinationId },
    });
    expect(res.status).toBe(200);
    const akt = await schulanmeldung([fc], { fitconnect: true });
    const vn = await anmelden(akt, fc);
    const z = await h.zugestellt(vn);
    expect(z.endpunkt).toBe(`fitconnect:${h.destination.destinationId}`);
    const { submissionId } = JSON.parse(z.referenz!) as { submissionId: string };
    const data = JSON.parse((await h.fitconnect.decryptSubmission(submissionId)).data);
    expect(data).toMatchObject({ kind: { vorname: 'Mia' }, anmeldung: { schule: fc }, nachname: 'Bürger' });
    expect(data).not.toHaveProperty('vorname');
    expect(data).not.toHaveProperty('wunschschule1');
  }, 90_000);
});

describe('the fee as the process defines it', () => {
  const parken = (gebuehr: unknown) => {
    const def = structuredClone(anwohnerparkenDefinition) as any;
    def.abschnitte[2].felder.push({ id: 'ausweise', typ: 'zahl', label: 'Anzahl Ausweise', ganzzahl: true, min: 1 });
    def.prozess.gebuehr = gebuehr;
    return def;
  };
  const kassenzeichen = (vn: string) =>
    h.waitFor('Kassenzeichen', () =>
      h.db.selectFrom('zahlung').selectAll().where('vorgangsnummer', '=', vn).executeTakeFirst(),
    );

  it('charges the amount per unit answered, and nothing when the process has no fee', async () => {
    const akt = await inProduktion(
      parken({ art: 'jeEinheit', parameter: 'gebuehr.betragCent', feld: 'ausweise' }),
      h.gebuehr(1000),
      STACK_LEISTUNG,
    );
    const res = await h.submit({
      aktivierungId: akt,
      daten: anwohnerparken({ ausweise: 3 }),
      antragsteller: antragsteller(`${uniqueId('drei')}@example.org`),
    });
    expect(res.status).toBe(201);
    const zahlung = await kassenzeichen(res.body.vorgangsnummer);
    expect(zahlung.betrag_cent).toBe(3000);
    h.epaybl.zahlung(zahlung.kassenzeichen, 3000, 'GIROPAY');
    await h.zugestellt(res.body.vorgangsnummer);

    // The same Prozessparameter under a process without a fee: delivered without a Kassenzeichen.
    const ohne = await inProduktion(parken({ art: 'keine' }), h.gebuehr(1000), STACK_LEISTUNG);
    const frei = await h.submit({
      aktivierungId: ohne,
      daten: anwohnerparken({ ausweise: 3 }),
      antragsteller: antragsteller(`${uniqueId('frei')}@example.org`),
    });
    await h.zugestellt(frei.body.vorgangsnummer);
    const keine = await h.db
      .selectFrom('zahlung')
      .selectAll()
      .where('vorgangsnummer', '=', frei.body.vorgangsnummer)
      .execute();
    expect(keine).toEqual([]);
  }, 90_000);
});
