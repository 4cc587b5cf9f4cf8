// The Mandant-Admin's and the Prozesseigner's pages in a real browser (Debian's Chromium through playwright-core):
// the gate check's findings link to the pages that fix them; the Mandant-Admin maintains Impressum and
// Datenschutz, registers a Behördenkonto, creates an Organisationseinheit, sets its channel, links the Leistung,
// records the activation with it, passes the gate, sets Prozessparameter and Wartungsmodus; the Prozesseigner
// passes on a Störung and decides the Abschaltung. Forms post without script; errors stand at the fields and in a
// summary that leads to them; every page served is checked with axe-core.
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBrowser, CHROMIUM } from './harness/browser';
import { lifecycleStack, type LifecycleStack } from './harness/lifecycle';
import { uniqueId } from './harness/servers';
import { LEISTUNG, type ServedApp } from './harness/stack';

declare const document: any;

let h: LifecycleStack;
let ui: ServedApp;
let base: string;
let b: Awaited<ReturnType<typeof startBrowser>>;

beforeAll(async () => {
  expect(fs.existsSync(CHROMIUM), `${CHROMIUM} missing: apt-get install chromium`).toBe(true);
  h = await lifecycleStack();
  ui = await h.serveApp({ uiDemoSignIn: true });
  base = ui.base;
  b = await startBrowser(base);
}, 120_000);

afterAll(async () => {
  await b?.close();
  await h?.close();
});

afterEach(async () => {
  expect(await b.accessibilityViolations()).toEqual([]);
});

/** Every visible field of the page has a label that names it. */
async function unlabelledFields(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
      .filter((el: any) => el.labels.length === 0 || el.labels[0].textContent.trim() === '')
      .map((el: any) => el.name),
  );
}

const notice = (page: Page) => page.locator('.notice.ok').textContent();

describe('the Mandant-Admin fixes what the gate check reports', () => {
  it('follows the findings to their pages, maintains the master data there and passes the gate', async () => {
    const { id } = await h.createOnlinedienst({ mandanten: ['dresden'] });
    await h.driveTo(id, 'prototyp');
    expect(
      (
        await ui.api('PUT', `/api/onlinedienste/${id}/aktivierungen/dresden`, {
          user: 'admin-dresden',
          body: { organisationseinheitId: 'oe-dresden-buergeramt', leistungId: LEISTUNG },
        })
      ).status,
    ).toBe(200);
    expect((await h.complete(id, 'prototyp-bereitstellen')).status).toBe(202);

    const page = await b.newPage();
    await b.signIn(page, 'admin-dresden');
    // The keyboard reaches the skip link first, and it leads to the content.
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement.textContent)).resolves.toContain('Zum Inhalt springen');
    await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Stammdaten' }).click();
    await page.getByRole('link', { name: 'Landeshauptstadt Dresden' }).click();
    expect(new URL(page.url()).pathname).toBe('/mandanten/dresden');

    // The Onlinedienst's page lists the findings, each with a link to the page that fixes it.
    await page.goto(`${base}/onlinedienste/${id}`);
    const gate = page.locator('section#gate');
    await expect(gate.textContent()).resolves.toContain('nicht bestanden');
    await expect(gate.locator('a', { hasText: 'Beheben' }).count()).resolves.toBe(5);
    await gate.locator('a', { hasText: 'ist kein Impressum gepflegt' }).click();
    expect(page.url()).toBe(`${base}/mandanten/dresden#stammdaten`);
    expect(await unlabelledFields(page)).toEqual([]);

    // A wrong e-mail address: the summary names the field and leads to it, the field says what is wrong.
    const stamm = page.getByRole('form', { name: 'Stammdaten' });
    await stamm.getByLabel('Impressum').fill('Landeshauptstadt Dresden, Dr.-Külz-Ring 19, 01067 Dresden');
    await stamm.getByLabel('Logo (Adresse des Bildes)').fill('https://www.dresden.de/logo.svg');
    await stamm.getByLabel('Name', { exact: true }).fill('Datenschutzbeauftragter Dresden');
    await stamm.getByLabel('E-Mail-Adresse').fill('kein-postfach');
    await stamm.getByRole('button', { name: 'Stammdaten speichern' }).click();
    const summary = page.getByRole('alert');
    await expect(summary.textContent()).resolves.toContain(
      'Datenschutzbeauftragte/r: E-Mail: Ungültige E-Mail-Adresse.',
    );
    const email = page.locator('#stammdaten-datenschutzbeauftragteR-email');
    await expect(email.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(email.getAttribute('aria-describedby')).resolves.toContain('fehler');
    await summary.getByRole('link').first().click();
    await expect(page.evaluate(() => document.activeElement.id)).resolves.toBe(
      'stammdaten-datenschutzbeauftragteR-email',
    );
    // Corrected and sent with the keyboard alone.
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('datenschutz@dresden.de');
    await page.keyboard.press('Enter');
    await page.waitForURL(/ok=stammdaten/);
    await expect(notice(page)).resolves.toBe('Die Stammdaten sind gespeichert.');

    // A Behördenkonto, then a new Organisationseinheit with its Kommunikation.
    const konto = page.getByRole('form', { name: 'Behördenkonto erfassen' });
    await konto.getByLabel('Kennung', { exact: true }).fill('bk-dresden-sva');
    await konto.getByLabel('Bezeichnung').fill('Straßenverkehrsamt Dresden');
    await konto.getByLabel('Postfach-Kennung').fill('bk:dresden:sva');
    await konto.getByRole('button', { name: 'Behördenkonto erfassen' }).click();
    await expect(notice(page)).resolves.toBe('Das Behördenkonto ist angelegt.');
    const neu = page.getByRole('form', { name: 'Organisationseinheit anlegen' });
    await neu.getByLabel('Name', { exact: true }).fill('Straßenverkehrsamt');
    await neu.getByLabel('E-Mail-Adresse (optional)').fill('sva@dresden.de');
    await neu.getByLabel('Telefon (optional)').fill('0351 488-1234');
    await neu.getByLabel('Für Bürgerinnen und Bürger veröffentlichen').check();
    await neu.getByRole('button', { name: 'Organisationseinheit anlegen' }).click();
    await page.waitForURL(/\/organisationseinheiten\/oe-dresden-strassenverkehrsamt/);
    await expect(notice(page)).resolves.toBe('Die Organisationseinheit ist angelegt.');
    expect(await unlabelledFields(page)).toEqual([]);

    // Its channel and its Zuständigkeit.
    await page.getByLabel('Behördenkonto', { exact: true }).selectOption('bk-dresden-sva');
    await page.getByRole('button', { name: 'Kanal speichern' }).click();
    await expect(notice(page)).resolves.toBe('Der Kommunikationskanal ist gespeichert.');
    await expect(page.getByLabel('Behördenkonto', { exact: true }).inputValue()).resolves.toBe('bk-dresden-sva');
    // Sent without a choice: the error stands at the field.
    await page.getByRole('button', { name: 'Zuständigkeit eintragen' }).click();
    await expect(page.locator('#zustaendigkeit-leistungId-fehler').textContent()).resolves.toBe(
      'Fehler: Bitte eine Leistung wählen.',
    );
    await page.getByLabel('Leistung, für die diese Stelle zuständig ist').selectOption(LEISTUNG);
    await page.getByRole('button', { name: 'Zuständigkeit eintragen' }).click();
    await expect(notice(page)).resolves.toBe('Die Zuständigkeit ist eingetragen.');
    await expect(page.locator('section#zustaendigkeiten table').textContent()).resolves.toContain(
      'Anwohnerparkausweis',
    );

    // The activation names the new OE; the gate check runs again from the page and passes.
    await page.goto(`${base}/onlinedienste/${id}/aktivierungen/dresden`);
    expect(await unlabelledFields(page)).toEqual([]);
    await page.getByLabel('Zuständige Stelle', { exact: true }).selectOption('oe-dresden-strassenverkehrsamt');
    await page.getByRole('button', { name: 'Aktivierung speichern' }).click();
    await expect(notice(page)).resolves.toBe('Die Aktivierung ist erfasst.');
    await page.goto(`${base}/onlinedienste/${id}`);
    await page.getByRole('button', { name: 'Gate-Prüfung erneut ausführen' }).click();
    await expect(notice(page)).resolves.toBe('Die Gate-Prüfung ist bestanden; die Phase geht weiter.');
    expect((await h.state(id)).phase).toBe('test');

    // Prozessparameter: a key the API refuses comes back at its field; then a valid one is listed.
    await page.goto(`${base}/onlinedienste/${id}/aktivierungen/dresden`);
    const params = page.getByRole('form', { name: 'Prozessparameter ändern' });
    await params.getByLabel('Schlüssel').first().fill('1-falsch');
    await params.getByLabel('Wert (optional)', { exact: true }).first().fill('30d');
    await params.getByRole('button', { name: 'Prozessparameter speichern' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Neuer Parameter 1: Schlüssel');
    await expect(page.locator('#parameter-parameter-0-key').getAttribute('aria-invalid')).resolves.toBe('true');
    await page.locator('#parameter-parameter-0-key').fill('frist.widerspruch');
    await page.getByRole('button', { name: 'Prozessparameter speichern' }).click();
    await expect(notice(page)).resolves.toBe('Die Prozessparameter sind gespeichert.');
    const row = page.locator('section#prozessparameter table tr', { hasText: 'frist.widerspruch' });
    await expect(row.textContent()).resolves.toContain('30d');

    // Wartungsmodus: hold, with its text.
    const wartung = page.getByRole('form', { name: 'Wartungsmodus' });
    await wartung.getByLabel('an', { exact: true }).check();
    await wartung.getByLabel('Anträge annehmen und nach der Wartung verarbeiten').check();
    await wartung.getByLabel('Text für Bürgerinnen und Bürger').fill('Wegen Umstellung bis Montag eingeschränkt.');
    await wartung.getByRole('button', { name: 'Wartungsmodus speichern' }).click();
    await expect(notice(page)).resolves.toBe('Der Wartungsmodus ist gespeichert.');
    await expect(page.locator('section#wartungsmodus').textContent()).resolves.toContain(
      'annehmen, später verarbeiten',
    );
    const listed = await ui.api('GET', `/api/onlinedienste/${id}/aktivierungen`, { user: 'admin-dresden' });
    expect(listed.body.items[0]).toMatchObject({
      organisationseinheitId: 'oe-dresden-strassenverkehrsamt',
      wartungsmodus: true,
      wartungsmodusArt: 'hold',
      wartungsmodusText: 'Wegen Umstellung bis Montag eingeschränkt.',
    });

    // Leipzig's admin sees none of it.
    const leipzig = await b.newPage();
    await b.signIn(leipzig, 'admin-leipzig');
    expect((await leipzig.goto(`${base}/mandanten/dresden`))!.status()).toBe(404);
    expect(
      (await leipzig.goto(`${base}/mandanten/dresden/organisationseinheiten/oe-dresden-strassenverkehrsamt`))!.status(),
    ).toBe(404);
  });
});

describe('the Prozesseigner in Betrieb', () => {
  it('passes on a Störung and decides the Abschaltung from the page', async () => {
    const id = uniqueId('wohngeld');
    const created = await ui.api('POST', '/api/onlinedienste', {
      user: 'pl-sk',
      body: {
        id,
        name: 'Wohngeld online',
        mandantId: 'leipzig',
        prozesseigner: 'pe-smk',
        kontakte: { prozesseigner: `${id}.pe@example.org` },
        bestand: {
          prozess: { name: 'Wohngeld', version: 'v2.0' },
          formular: { name: 'Wohngeld', version: 'v2.0' },
          zertifizierungsReferenz: 'Z-2025-3',
          aktivierteMandanten: ['leipzig'],
        },
      },
    });
    expect(created.status).toBe(201);
    await h.waitForPhase(id, 'betrieb');

    const page = await b.newPage();
    await b.signIn(page, 'pe-smk');
    await page.goto(`${base}/onlinedienste/${id}`);
    await page.getByRole('link', { name: 'Störung weitergeben' }).click();
    expect(await unlabelledFields(page)).toEqual([]);
    await page.getByRole('button', { name: 'Störung weitergeben' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Titel: Pflichtfeld fehlt.');
    await page.getByLabel('Titel').fill('Zahlungsseite antwortet nicht');
    await page.getByLabel('Beschreibung').fill('ePayBL meldet Zeitüberschreitungen.');
    await page.getByLabel('Seit').fill('2026-12-04T09:30:00+01:00');
    await page.getByLabel('Schwere').selectOption('hoch');
    await page.getByRole('button', { name: 'Störung weitergeben' }).click();
    await expect(notice(page)).resolves.toBe('Gemeldet: die Aufgabe dazu ist geöffnet.');
    const task = (await h.state(id)).openTasks.find((t) => t.title === 'Störung im Produktivbetrieb beheben');
    expect(task?.payload).toMatchObject({ titel: 'Zahlungsseite antwortet nicht', schwere: 'hoch' });

    await page.getByRole('link', { name: 'Abschaltung entscheiden' }).click();
    await page.getByLabel('Begründung').fill('Das Landesportal übernimmt.');
    await page.getByLabel('Anträge').selectOption('uebergeben');
    await page.getByRole('button', { name: 'Abschaltung beginnen' }).click();
    await expect(page.locator('#f-uebergabeAn-fehler').textContent()).resolves.toBe(
      'Fehler: Bei Übergabe angeben, wer die offenen Anträge übernimmt.',
    );
    await page.getByLabel('Übergabe an (optional)').fill('Landesdirektion Sachsen');
    await page.getByRole('button', { name: 'Abschaltung beginnen' }).click();
    await expect(notice(page)).resolves.toBe('Die Abschaltung hat begonnen.');
    await h.waitForPhase(id, 'abschaltung');
  });
});
