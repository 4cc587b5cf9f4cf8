// End to end, as the people involved would do it: a Prozessmodellierer uploads the form+process definition of a new
// Blaupause Onlinedienst (a condition, an upload, a fee, required Prozessparameter) and the lifecycle takes it
// through the API to Betrieb — automatic certification, the Projektleitung's Freigabe, the AWB's transfer of exactly
// the certified hash — while the Mandant's activation is held until its required Prozessparameter are set. Then a
// citizen in Chromium fills in the generated form (the condition shows the upload, a draft saved and resumed by its
// link in a fresh browser), sends it from the summary, pays on ePayBL's pay page and watches the status page until
// the Antrag is delivered: the Transferverzeichnis holds it with the upload, ePayBL exactly one payment of the fee.
// Every page our server renders is checked with axe-core (WCAG 2.1 A/AA).
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { antragStack, type AntragStack } from './harness/antrag';
import { CHROMIUM, startBrowser } from './harness/browser';
import { VALID, lifecycleHelpers, type LifecycleHelpers } from './harness/lifecycle';
import { uniqueId } from './harness/servers';
import { LEISTUNG } from './harness/stack';
import { eventually } from './harness/wait';

declare const document: any;

const PM = 'pm-seitenbau';
const GEBUEHR_CENT = 2450;
const PDF = Buffer.from('%PDF-1.4\n% Nutzungsbestaetigung\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/** A parameter declaration as the Prozessmodellierer writes it. */
const param = (name: string, typ: string, extra: Record<string, unknown> = {}) => ({ name, typ, ...extra });

/**
 * The Prozessmodellierer's own definition: a Bewohnerparkausweis whose upload (the employer's confirmation) is asked
 * for only for a company car, with a flat fee paid through ePayBL and delivered as JSON to the Mandant's
 * Transferverzeichnis — which, like the fee and ePayBL's accounts, each Mandant must set.
 */
const DEFINITION = {
  format: 'amt24-formular/1',
  titel: 'Bewohnerparkausweis (Blaupause)',
  beschreibung: 'Ein Ausweis für Ihr Fahrzeug in Ihrer Bewohnerparkzone.',
  abschnitte: [
    {
      id: 'fahrzeug',
      titel: 'Fahrzeug',
      felder: [
        {
          id: 'kennzeichen',
          typ: 'text',
          label: 'Kennzeichen',
          hilfe: 'Das amtliche Kennzeichen, z. B. L-AB 1234.',
          maxLaenge: 12,
          grossbuchstaben: true,
          muster: '[A-ZÄÖÜ]{1,3}-[A-Z]{1,2} ?\\d{1,4}[EH]?',
          musterHinweis: 'Kfz-Kennzeichen, z. B. L-AB 1234',
        },
        { id: 'dienstwagen', typ: 'janein', label: 'Ist das Fahrzeug ein Dienstwagen?' },
        {
          id: 'nutzung',
          typ: 'datei',
          label: 'Bestätigung des Arbeitgebers',
          hilfe: 'Dass Sie den Dienstwagen auch privat nutzen dürfen.',
          erlaubteTypen: ['application/pdf'],
          maxBytes: 2 * 1024 * 1024,
          bedingung: { wirkung: 'anzeigen', wenn: { feld: 'dienstwagen', gleich: true } },
        },
      ],
    },
    {
      id: 'wohnsitz',
      titel: 'Wohnsitz',
      felder: [
        { id: 'wohnadresse', typ: 'adresse', label: 'Wohnadresse' },
        {
          id: 'zone',
          typ: 'auswahl',
          label: 'Bewohnerparkzone',
          optionen: [
            { wert: 'A3', label: 'Zone A3 (Zentrum-Süd)' },
            { wert: 'B1', label: 'Zone B1 (Waldstraßenviertel)' },
          ],
        },
      ],
    },
  ],
  prozess: {
    datenschutz: {
      text: 'Ihre Angaben werden zur Erteilung des Bewohnerparkausweises verarbeitet (§ 45 Abs. 1b StVO).',
      verantwortlicher: 'Die Straßenverkehrsbehörde Ihrer Kommune',
    },
    gebuehr: { art: 'pauschal', parameter: 'gebuehr.betragCent' },
    zustellung: { modus: 'transfer-plain', ausgabeformat: 'json' },
    nachforderung: { erlaubt: true },
    parameter: [
      param('gebuehr.betragCent', 'ganzzahl', { min: 0, pflicht: true }),
      param('epaybl.mandantNr', 'text', { maxLaenge: 20, pflicht: true }),
      param('epaybl.bewirtschafterNr', 'text', { maxLaenge: 8, pflicht: true }),
      param('epaybl.haushaltsstelle', 'text', { maxLaenge: 10, pflicht: true }),
      param('epaybl.buchungstext', 'text', { maxLaenge: 120, pflicht: true }),
      param('zustellung.verzeichnis', 'text', { maxLaenge: 200, pflicht: true }),
      param('frist.zahlungAbfrage', 'dauer', { default: '30s' }),
    ],
  },
};

let h: AntragStack;
let lc: LifecycleHelpers;
let b: Awaited<ReturnType<typeof startBrowser>>;
let base: string;

beforeAll(async () => {
  expect(fs.existsSync(CHROMIUM), `${CHROMIUM} missing: apt-get install chromium`).toBe(true);
  // One origin for the API, the UI with its demo sign-in, and the pay page's way back.
  h = await antragStack({ app: { uiDemoSignIn: true } });
  base = h.base;
  lc = lifecycleHelpers(h);
  b = await startBrowser(base);
}, 120_000);

afterAll(async () => {
  await b?.close();
  await h?.close();
});

afterEach(async () => {
  expect(await b.accessibilityViolations()).toEqual([]);
});

const focused = (page: Page): Promise<string> =>
  page.evaluate(() => `${document.activeElement?.id ?? ''}|${document.activeElement?.textContent?.trim() ?? ''}`);

/** Reloads until `ready` holds (the workflow moves on in the background). */
const reloadUntil = (page: Page, ready: () => Promise<boolean>, what: string, ms = 30_000) =>
  eventually(
    async () => {
      if (await ready()) return true;
      await page.reload();
      return false;
    },
    ms,
    what,
  );

describe('a new Blaupause Onlinedienst from its upload to a citizen’s delivered Antrag', () => {
  it('goes to Betrieb through the API and takes a paid Antrag from the generated form in the browser', async () => {
    // ---------------------------------------------------------------------------- the lifecycle, through the API
    const { id } = await lc.createOnlinedienst({ blaupause: true, name: 'Bewohnerparkausweis (Blaupause)' });
    const upload = await h.api('POST', `/api/onlinedienste/${id}/formulare`, { user: PM, body: DEFINITION });
    expect(upload.status).toBe(201);
    expect(upload.body.version).toBe('1.0');
    const hash: string = upload.body.contentHash;
    await lc.driveTo(id, 'prototyp');
    const deployed = await h.api('POST', `/api/onlinedienste/${id}/formulare/1.0/bereitstellung`, {
      user: PM,
      body: { stage: 'entwicklung' },
    });
    expect(deployed.status).toBe(200);

    // Leipzig registers its activation; the Prozessparameter are checked against what the process declares.
    const aktivierungId = `${id}-leipzig`;
    const verzeichnis = uniqueId('ordnungsamt');
    fs.mkdirSync(path.join(h.transferRoot, verzeichnis), { recursive: true });
    const registered = await h.api('PUT', `/api/onlinedienste/${id}/aktivierungen/leipzig`, {
      user: 'admin-leipzig',
      body: { organisationseinheitId: 'oe-leipzig-ordnungsamt', leistungId: LEISTUNG, kontakt: `${id}@example.org` },
    });
    expect(registered.status).toBe(200);
    const setParams = (parameter: { key: string; wert: string }[]) =>
      h.api('PUT', `/api/onlinedienste/${id}/aktivierungen/leipzig/prozessparameter`, {
        user: 'admin-leipzig',
        body: { parameter },
      });
    const typo = await setParams([
      { key: 'gebuehr.betrag', wert: String(GEBUEHR_CENT) },
      { key: 'gebuehr.betragCent', wert: '24,50' },
    ]);
    expect(typo.status).toBe(400);
    expect(typo.body.invalidParams.map((p: any) => p.name).sort()).toEqual(['gebuehr.betrag', 'gebuehr.betragCent']);
    const partial = await setParams([
      { key: 'gebuehr.betragCent', wert: String(GEBUEHR_CENT) },
      { key: 'epaybl.mandantNr', wert: '014' },
      { key: 'epaybl.bewirtschafterNr', wert: 'L-ORD' },
      { key: 'epaybl.haushaltsstelle', wert: '1220.1100' },
      { key: 'frist.zahlungAbfrage', wert: '1s' },
    ]);
    expect(partial.status).toBe(200);

    // While a required parameter is missing the activation does not pass: the Prototyp's completion is held.
    const prototyp = {
      ...VALID['prototyp-bereitstellen'],
      prozess: { name: 'Bewohnerparkausweis', version: '1.0' },
      formular: { name: 'Bewohnerparkausweis', version: '1.0' },
    };
    const held = await lc.complete(id, 'prototyp-bereitstellen', { fields: prototyp });
    expect(held.status).toBe(202);
    const befund = held.body.gate.activations[0].failures.find((f: any) => f.code === 'prozessparameter-missing');
    expect(befund.message).toContain('epaybl.buchungstext, zustellung.verzeichnis');
    expect((await lc.state(id)).phase).toBe('prototyp');
    const still = await h.api('POST', `/api/onlinedienste/${id}/gate-pruefung`, { user: 'pe-smk' });
    expect(still.status).toBe(202);
    expect(
      (
        await setParams([
          { key: 'epaybl.buchungstext', wert: 'Bewohnerparkausweis Leipzig' },
          { key: 'zustellung.verzeichnis', wert: verzeichnis },
        ])
      ).status,
    ).toBe(200);
    const passed = await h.api('POST', `/api/onlinedienste/${id}/gate-pruefung`, { user: 'pe-smk' });
    expect(passed.status).toBe(200);
    expect((await lc.state(id)).phase).toBe('test');

    // Test and Freigabe; the automatic certification completes the Zertifizierung; then the Projektleitung.
    const v = await lc.driveTo(id, 'produktivsetzung');
    expect(v.completedTasks.find((t) => t.id === 'zertifizierung')?.completedBy).toBe('automatische-zertifizierung');
    expect(v.openTasks.map((t) => `${t.id}/${t.role}`)).toEqual(['produktivsetzung-freigeben/projektleitung']);
    await lc.mustComplete(id, 'produktivsetzung-freigeben', { user: 'pl-sk' });
    const referenz = (await lc.state(id)).context.zertifizierungsReferenz!;
    expect(referenz).toMatch(new RegExp(`^AUTO-\\d+-${hash.slice(0, 12)}$`));
    await lc.mustComplete(id, 'uebernahme-beantragen', {
      fields: { prozess: prototyp.prozess, formular: prototyp.formular, zertifizierungsReferenz: referenz },
    });

    // The AWB's rollout ticket transfers exactly the certified hash to the Produktivsystem.
    const ticket = (await eventually(async () => (await lc.state(id)).rollout.active?.workflowId, 15_000, 'ticket'))!;
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
    expect((await cmd({ type: 'mark-transferred', produktivVersion: '1.0', inhaltsHash: hash })).status).toBe(200);
    const stages = await h.api('GET', `/api/onlinedienste/${id}/stages`, { user: PM });
    expect(stages.body.items.map((s: any) => `${s.stage}:${s.version}:${s.contentHash}`)).toEqual([
      `entwicklung:1.0:${hash}`,
      `produktion:1.0:${hash}`,
    ]);

    // Deployment, activation, the productive acceptance test, Wartungsmodus off: Betrieb.
    await lc.waitForPhase(id, 'aktivierung');
    await lc.driveTo(id, 'betrieb');
    const aktivierung = await h.db
      .selectFrom('aktivierung')
      .select(['status', 'wartungsmodus'])
      .where('id', '=', aktivierungId)
      .executeTakeFirstOrThrow();
    expect(aktivierung).toEqual({ status: 'aktiv', wartungsmodus: false });

    // ---------------------------------------------------------------------------- the citizen, in Chromium
    const page = await b.newPage();
    await b.signIn(page, 'buerger-anna');
    await page.goto(`${base}/formular/${aktivierungId}`);
    expect((await page.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe(DEFINITION.titel);
    expect(await page.getByRole('main').textContent()).toContain(DEFINITION.prozess.datenschutz.text);
    await page.getByRole('button', { name: 'Antrag beginnen' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/formular\/entwurf\/[A-Za-z0-9_-]{43}\/schritt\/0$/);

    // Keyboard only: type the Kennzeichen, answer "Ja" with the space bar, let the page show what depends on it.
    expect(await page.getByLabel('Bestätigung des Arbeitgebers').count()).toBe(0);
    await page.getByLabel('Kennzeichen', { exact: true }).focus();
    await page.keyboard.type('l-bp 2026');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('f-dienstwagen-0|');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('|Weiter');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('|Angaben übernehmen und Seite aktualisieren');
    await page.keyboard.press('Enter');
    const nutzung = page.getByLabel('Bestätigung des Arbeitgebers');
    await nutzung.waitFor();
    expect(await page.getByLabel('Kennzeichen', { exact: true }).inputValue()).toBe('L-BP 2026');
    expect(await page.getByLabel('Ja', { exact: true }).isChecked()).toBe(true);

    // The upload the condition asks for (a file chooser is the one thing a keyboard test cannot type).
    await nutzung.setInputFiles({ name: 'Nutzung Dienstwagen.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: 'Weiter', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/schritt\/1$/);

    // Step 2, then "Zwischenspeichern": the resume link, and no Antrag yet.
    await page.getByLabel('Straße', { exact: true }).fill('Karl-Liebknecht-Straße');
    await page.getByLabel('Hausnummer', { exact: true }).fill('12');
    await page.getByLabel('Postleitzahl').fill('04107');
    await page.getByLabel('Ort', { exact: true }).fill('Leipzig');
    await page.getByLabel('Zone A3 (Zentrum-Süd)').focus();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Zwischenspeichern' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/gespeichert$/);
    expect((await page.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe('Ihr Entwurf ist gespeichert');
    const link = (await page.locator('#entwurf-link').getAttribute('href'))!;
    expect(link.startsWith(`${base}/formular/entwurf/`)).toBe(true);
    expect(
      await h.db.selectFrom('antrag').select('vorgangsnummer').where('aktivierung_id', '=', aktivierungId).execute(),
    ).toEqual([]);

    // A fresh browser, the same citizen: the link leads back to the step reached, the answers and the upload kept.
    const weiter = await b.newPage();
    await b.signIn(weiter, 'buerger-anna');
    await weiter.goto(link);
    expect(new URL(weiter.url()).pathname).toMatch(/\/schritt\/1$/);
    expect(await weiter.getByLabel('Postleitzahl').inputValue()).toBe('04107');
    expect(await weiter.getByLabel('Zone A3 (Zentrum-Süd)').isChecked()).toBe(true);
    await weiter.getByRole('button', { name: 'Weiter', exact: true }).click();
    expect(await weiter.getByLabel('Vor- und Nachname').inputValue()).toBe('Anna Bürger');
    const email = `${uniqueId('anna')}@example.org`;
    await weiter.getByLabel('E-Mail-Adresse').fill(email);
    await weiter.getByRole('button', { name: 'Weiter zur Zusammenfassung' }).click();

    // The summary shows every answer and the file; it sends.
    await weiter.waitForURL(/\/zusammenfassung$/);
    const summary = (await weiter.getByRole('main').textContent())!;
    for (const answer of ['L-BP 2026', 'Nutzung-Dienstwagen.pdf', 'Karl-Liebknecht-Straße 12, 04107 Leipzig', email])
      expect(summary).toContain(answer);
    await weiter.getByRole('button', { name: 'Antrag verbindlich absenden' }).focus();
    await weiter.keyboard.press('Enter');
    await weiter.waitForURL(/\/formular\/eingang\//);
    expect((await weiter.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe('Ihr Antrag ist eingegangen');
    const vn = (await weiter.locator('#vorgangsnummer').textContent())!;
    expect(vn).toMatch(/^A24-/);
    expect(await h.antrag(vn)).toMatchObject({ onlinedienst_id: id, formular_version: '1.0' });
    await weiter.getByRole('link', { name: `Stand des Antrags ${vn} ansehen` }).click();
    expect((await weiter.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe(`Ihr Antrag ${vn}`);

    // The fee: to ePayBL's pay page and back; the status page shows it paid and the Antrag delivered.
    const pay = weiter.getByRole('link', { name: 'Gebühr jetzt bezahlen (ePayBL)' });
    await reloadUntil(weiter, async () => (await pay.count()) === 1, 'pay link');
    expect(await weiter.locator('#gebuehr ~ dl').textContent()).toContain('24,50');
    await pay.focus();
    await weiter.keyboard.press('Enter');
    await weiter.waitForURL((u) => u.origin === new URL(h.epaybl.url).origin);
    await weiter.getByLabel('Zahlverfahren').selectOption('GIROPAY');
    await weiter.getByRole('button', { name: 'Bezahlen' }).focus();
    await weiter.keyboard.press('Enter');
    await weiter.waitForURL(/\/status\/.+\?zahlung=/);
    expect(await weiter.getByRole('status').first().textContent()).toContain('Sie kommen von der Bezahlseite zurück');
    const station = (name: string) =>
      weiter.locator('tr', { has: weiter.locator('th', { hasText: name }) }).locator('td');
    await reloadUntil(
      weiter,
      async () => (await station('Der zuständigen Stelle zugestellt').textContent())!.startsWith('erledigt'),
      'delivered',
    );
    expect(await station('Gebühr bezahlt').textContent()).toMatch(/^erledigt am/);

    // --------------------------------------------------------------------------- what arrived where
    const ordner = path.join(h.transferRoot, verzeichnis, vn);
    const json = JSON.parse(fs.readFileSync(path.join(ordner, 'antrag.json'), 'utf8'));
    expect(json).toMatchObject({ vorgangsnummer: vn, onlinedienstId: id, mandantId: 'leipzig' });
    expect(json.formData).toMatchObject({
      kennzeichen: 'L-BP 2026',
      dienstwagen: true,
      nutzung: 'Nutzung-Dienstwagen.pdf',
      zone: 'A3',
      wohnadresse: { strasse: 'Karl-Liebknecht-Straße', hausnummer: '12', plz: '04107', ort: 'Leipzig' },
    });
    const anlage = json.documents.find((d: any) => d.role === 'anlage');
    expect(anlage).toMatchObject({ originalFileName: 'Nutzung-Dienstwagen.pdf', mediaType: 'application/pdf' });
    expect(fs.readFileSync(path.join(ordner, anlage.file)).equals(PDF)).toBe(true);
    expect(json.documents.map((d: any) => d.role).sort()).toEqual(['anlage', 'antrag']);

    const kassenzeichen = h.epaybl.alleKassenzeichen();
    expect(kassenzeichen).toHaveLength(1);
    expect(kassenzeichen[0]).toMatchObject({ hauptforderungenCent: GEBUEHR_CENT, state: 'bezahlt', saldoCent: 0 });
    expect(kassenzeichen[0]!.zahlungen).toEqual([
      expect.objectContaining({ betragCent: GEBUEHR_CENT, verfahren: 'GIROPAY', quelle: 'paypage' }),
    ]);
  }, 240_000);
});
