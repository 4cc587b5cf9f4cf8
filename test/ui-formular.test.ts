// The citizen's web form in Chromium against the full stack: a form rendered from a definition with a condition
// (a proof of the employer appears once "Dienstwagen" is chosen) and an upload; a draft saved, resumed by its link
// in a fresh browser, the summary, the submission, the receipt and the status page. Every page is checked with
// axe-core (WCAG 2.1 A/AA) and for an accessible name on every input; a missing required field shows the error at
// the field and in the summary on top, whose link takes the keyboard focus to the field. And the Prozessmodellierer's
// preview of a version, which sends nothing.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anwohnerparkenDefinition } from '../domain/formular/demo-definitionen';
import { definitionSchema, type DefinitionEingabe } from '../domain/formular/format';
import { deployStage, insertVersion } from '../db/stores/formular';
import { antragStack, type AntragStack } from './harness/antrag';
import type { ServedApp } from './harness/stack';

declare const document: any;
declare const axe: any;

const CHROMIUM = '/usr/bin/chromium';
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PDF = Buffer.from('%PDF-1.4\n% Bescheinigung\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/** Anwohnerparken with a condition and an upload: a company car needs the employer's certificate. */
const definition: DefinitionEingabe = structuredClone(anwohnerparkenDefinition);
definition.abschnitte[0]!.felder.push({
  id: 'nachweis',
  typ: 'datei',
  label: 'Bescheinigung des Arbeitgebers',
  hilfe: 'Dass Sie den Dienstwagen auch privat nutzen.',
  erlaubteTypen: ['application/pdf'],
  maxBytes: 1024 * 1024,
  bedingung: { wirkung: 'anzeigen', wenn: { feld: 'halter', gleich: 'arbeitgeber' } },
  ausgabe: { xml: 'Fahrzeug/Nachweis', xfall: 'antrag.nachweis' },
});

let h: AntragStack;
let ui: ServedApp;
let base: string;
let browser: Browser;
let aktivierung: string;
let version: string;

beforeAll(async () => {
  expect(fs.existsSync(CHROMIUM), `${CHROMIUM} missing: apt-get install chromium`).toBe(true);
  h = await antragStack();
  // Version 2.0 of Anwohnerparken, in production: what the activation serves citizens from now on.
  const { row } = await insertVersion(h.db, {
    onlinedienstId: 'anwohnerparken',
    definition: definitionSchema.parse(definition),
    createdBy: 'pm-seitenbau',
  });
  await deployStage(h.db, {
    onlinedienstId: 'anwohnerparken',
    stage: 'produktion',
    version: row.version,
    contentHash: row.content_hash,
    by: 'test',
  });
  version = row.version;
  ui = await h.serveApp({ uiDemoSignIn: true });
  base = ui.base;
  aktivierung = await h.aktivierung({ 'zustellung.modus': 'transfer-plain' });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function newPage(): Promise<Page> {
  // bypassCSP: the pages forbid every script; axe is injected by the test only.
  const context = await browser.newContext({ locale: 'de-DE', timezoneId: 'Europe/Berlin', bypassCSP: true });
  return context.newPage();
}

async function signIn(page: Page, userId: string, weiter = '/') {
  await page.goto(`${base}/anmelden?weiter=${encodeURIComponent(weiter)}`);
  await page.getByLabel('Benutzer', { exact: true }).selectOption(userId);
  await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await page.waitForLoadState();
}

/** axe's serious and critical violations, and every visible input without an accessible name. */
async function barrieren(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const violations: string[] = await page.evaluate(async () =>
    (
      await axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
        resultTypes: ['violations'],
      })
    ).violations
      .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`),
  );
  const unnamed: string[] = [];
  for (const input of await page.locator('input:not([type=hidden]), select, textarea').all()) {
    const name = await input.evaluate((el: any) =>
      el.labels?.length ? el.labels[0].textContent.trim() : (el.getAttribute('aria-label') ?? ''),
    );
    if (!name) unnamed.push(await input.evaluate((el: any) => el.outerHTML.slice(0, 120)));
  }
  return [...violations, ...unnamed.map((u) => `no accessible name: ${u}`)];
}

const path = (page: Page) => new URL(page.url()).pathname;

describe('the citizen fills in a generated form', () => {
  it('with a condition, an upload, a draft resumed by its link, the summary, and the receipt', async () => {
    const page = await newPage();
    await signIn(page, 'buerger-anna', `/formular/${aktivierung}`);
    await page.goto(`${base}/formular/${aktivierung}`);
    expect((await page.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe(
      'Antrag auf einen Bewohnerparkausweis',
    );
    expect(await barrieren(page)).toEqual([]);
    await page.getByRole('button', { name: 'Antrag beginnen' }).click();
    expect(path(page)).toMatch(/\/formular\/entwurf\/[A-Za-z0-9_-]{43}\/schritt\/0$/);

    // A required field left empty: the error at the field and in the summary on top, linked to the field.
    await page.getByRole('button', { name: 'Weiter', exact: true }).click();
    const summary = page.getByRole('alert');
    expect(await summary.textContent()).toContain('Kennzeichen: Bitte ausfüllen');
    expect(await summary.textContent()).toContain('Halter: Bitte ausfüllen');
    const kennzeichen = page.getByLabel('Kennzeichen', { exact: true });
    expect(await kennzeichen.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await kennzeichen.getAttribute('aria-describedby'))!.split(' ');
    expect(describedBy).toEqual(['f-kennzeichen-hinweis', 'f-kennzeichen-fehler']);
    expect(await page.locator('#f-kennzeichen-fehler').textContent()).toContain('Bitte ausfüllen');
    expect(await barrieren(page)).toEqual([]);

    // Keyboard only: the summary's link takes the focus to the field; typing and Enter post the page.
    await summary.getByRole('link', { name: /Kennzeichen/ }).focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-kennzeichen');
    await page.keyboard.type('l-ab 1234');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-halter-0');
    // Arrow keys move within a radio group and choose: the second option is the company car.
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-halter-1');

    // The condition: the certificate is asked for only once the answer says "Dienstwagen".
    expect(await page.getByLabel('Bescheinigung des Arbeitgebers').count()).toBe(0);
    await page.getByRole('button', { name: 'Angaben übernehmen und Seite aktualisieren' }).click();
    const nachweis = page.getByLabel('Bescheinigung des Arbeitgebers');
    expect(await nachweis.count()).toBe(1);
    expect(await page.getByLabel('Kennzeichen', { exact: true }).inputValue()).toBe('L-AB 1234');
    expect(await barrieren(page)).toEqual([]);

    // A type the field does not allow is refused at the field; a PDF is taken.
    await nachweis.setInputFiles({ name: 'foto.png', mimeType: 'image/png', buffer: Buffer.from('nicht wirklich') });
    await page.getByRole('button', { name: 'Weiter', exact: true }).click();
    expect(await page.getByRole('alert').textContent()).toContain('Bescheinigung des Arbeitgebers');
    await page
      .getByLabel('Bescheinigung des Arbeitgebers')
      .setInputFiles({ name: 'Bescheinigung Müller.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: 'Weiter', exact: true }).click();
    expect(path(page)).toMatch(/\/schritt\/1$/);

    // Step 2, then "Zwischenspeichern": the resume link, and still no Antrag.
    await page.getByLabel('Straße').fill('Markt');
    await page.getByLabel('Hausnummer').fill('1');
    await page.getByLabel('Postleitzahl').fill('04109');
    await page.getByLabel('Ort').fill('Leipzig');
    await page.getByLabel('Bewohnerparkzone').fill('A3');
    await page.getByRole('button', { name: 'Zwischenspeichern' }).click();
    expect((await page.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe('Ihr Entwurf ist gespeichert');
    expect(await barrieren(page)).toEqual([]);
    const link = (await page.locator('#entwurf-link').getAttribute('href'))!;
    expect(link).toMatch(/\/formular\/entwurf\/[A-Za-z0-9_-]{43}$/);
    const antraegeVorher = await h.db
      .selectFrom('antrag')
      .select('vorgangsnummer')
      .where('aktivierung_id', '=', aktivierung)
      .execute();
    expect(antraegeVorher).toEqual([]);
    const entwurf = await h.db
      .selectFrom('entwurf')
      .selectAll()
      .where('aktivierung_id', '=', aktivierung)
      .executeTakeFirstOrThrow();
    // Encrypted under the token: nothing the citizen typed is readable in the row.
    expect(entwurf.inhalt_encrypted.toString('latin1')).not.toContain('Markt');
    expect(entwurf.inhalt_encrypted.toString('latin1')).not.toContain('PDF');
    expect(entwurf.gueltig_bis.getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);

    // Another account's browser cannot open the link.
    const fremd = await newPage();
    await signIn(fremd, 'pe-smk');
    const fremdAntwort = await fremd.goto(link.replace(/^https?:\/\/[^/]+/, base));
    expect(fremdAntwort!.status()).toBe(404);

    // A fresh browser, the same citizen: the link leads back to the step reached, the answers kept.
    const weiter = await newPage();
    const resume = link.replace(/^https?:\/\/[^/]+/, base);
    await signIn(weiter, 'buerger-anna', new URL(resume).pathname);
    await weiter.goto(resume);
    expect(path(weiter)).toMatch(/\/schritt\/1$/);
    expect(await weiter.getByLabel('Bewohnerparkzone').inputValue()).toBe('A3');
    await weiter.getByRole('button', { name: 'Weiter', exact: true }).click();
    await weiter.getByLabel('Gültig ab').fill('2026-12-01');
    await weiter.getByRole('button', { name: 'Weiter', exact: true }).click();
    expect(await weiter.getByLabel('Vor- und Nachname').inputValue()).toBe('Anna Bürger');
    await weiter.getByLabel('E-Mail-Adresse').fill('anna.formular@example.org');
    await weiter.getByRole('button', { name: 'Weiter zur Zusammenfassung' }).click();

    // The summary: every answer, the uploaded file by name, a way back to each step.
    expect(path(weiter)).toMatch(/\/zusammenfassung$/);
    const main = weiter.getByRole('main');
    expect(await main.textContent()).toContain('L-AB 1234');
    expect(await main.textContent()).toContain('Mein Arbeitgeber (Dienstwagen)');
    expect(await main.textContent()).toContain('Bescheinigung-Muller.pdf');
    expect(await main.textContent()).toContain('Markt 1, 04109 Leipzig');
    expect(await main.textContent()).toContain('01.12.2026');
    expect(await weiter.locator('a', { hasText: 'Fahrzeug' }).count()).toBe(1);
    expect(await barrieren(weiter)).toEqual([]);

    await weiter.getByRole('button', { name: 'Antrag verbindlich absenden' }).click();
    expect((await weiter.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe('Ihr Antrag ist eingegangen');
    expect(await barrieren(weiter)).toEqual([]);
    const vn = (await weiter.locator('#vorgangsnummer').textContent())!;
    expect(vn).toMatch(/^A24-/);
    const row = await h.antrag(vn);
    expect(row.form_data).toMatchObject({
      kennzeichen: 'L-AB 1234',
      halter: 'arbeitgeber',
      zone: 'A3',
    });
    // (The answer naming the file is kept once the submission validates against the definition itself; today's
    // schema in domain/formulare.ts drops keys it does not know.)
    expect(row.antragsteller).toEqual({ name: 'Anna Bürger', email: 'anna.formular@example.org' });
    const dateien = await h.db
      .selectFrom('antrag_datei')
      .select(['file_name', 'art'])
      .where('vorgangsnummer', '=', vn)
      .execute();
    expect(dateien).toContainEqual({ file_name: 'Bescheinigung-Muller.pdf', art: 'anlage' });
    // Sent, the draft is gone.
    expect(await h.db.selectFrom('entwurf').select('id').where('id', '=', entwurf.id).execute()).toEqual([]);

    await weiter.getByRole('link', { name: `Stand des Antrags ${vn} ansehen` }).click();
    expect((await weiter.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe(`Ihr Antrag ${vn}`);
  });

  it('a condition turned off again drops its answer and its upload', async () => {
    const page = await newPage();
    await signIn(page, 'buerger-anna', `/formular/${aktivierung}`);
    await page.goto(`${base}/formular/${aktivierung}`);
    await page.getByRole('button', { name: 'Antrag beginnen' }).click();
    await page.getByLabel('Kennzeichen', { exact: true }).fill('L-CD 42');
    await page.getByLabel('Mein Arbeitgeber (Dienstwagen)').check();
    await page.getByRole('button', { name: 'Angaben übernehmen und Seite aktualisieren' }).click();
    await page
      .getByLabel('Bescheinigung des Arbeitgebers')
      .setInputFiles({ name: 'b.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: 'Angaben übernehmen und Seite aktualisieren' }).click();
    expect(
      await page.getByRole('list', { name: 'Hochgeladen für Bescheinigung des Arbeitgebers' }).textContent(),
    ).toContain('b.pdf');
    await page.getByLabel('Ich selbst').check();
    await page.getByRole('button', { name: 'Angaben übernehmen und Seite aktualisieren' }).click();
    expect(await page.getByLabel('Bescheinigung des Arbeitgebers').count()).toBe(0);
  });
});

describe("the Prozessmodellierer's preview", () => {
  it('renders the same pages for a version and sends nothing', async () => {
    const page = await newPage();
    await signIn(page, 'pm-seitenbau');
    await page.goto(`${base}/onlinedienste/anwohnerparken/formular/${version}/vorschau`);
    expect(await page.getByRole('main').textContent()).toContain(`Vorschau der Version ${version}`);
    await page.getByRole('button', { name: 'Vorschau starten' }).click();
    expect(await page.getByRole('main').textContent()).toContain('Aus der Vorschau wird kein Antrag gestellt');
    expect(await page.getByLabel('Kennzeichen', { exact: true }).count()).toBe(1);
    await page.getByLabel('Mein Arbeitgeber (Dienstwagen)').check();
    await page.getByRole('button', { name: 'Angaben übernehmen und Seite aktualisieren' }).click();
    expect(await page.getByLabel('Bescheinigung des Arbeitgebers').count()).toBe(1);
    expect(await barrieren(page)).toEqual([]);
    const entwuerfe = await h.db
      .selectFrom('entwurf')
      .select(['vorschau', 'aktivierung_id'])
      .where('owner', '=', 'pm-seitenbau')
      .execute();
    expect(entwuerfe).toEqual([{ vorschau: true, aktivierung_id: null }]);
    // A citizen may not start a preview.
    const res = await ui.api('POST', '/api/entwuerfe', {
      user: 'buerger-anna',
      body: { onlinedienstId: 'anwohnerparken', formularVersion: '1.0', vorschau: true },
    });
    expect(res.status).toBe(403);
  });
});
