// The web UI in a real browser (Debian's Chromium through playwright-core) against the full stack: a real worker on
// the shared Temporal dev server, PostgreSQL, the ePayBL simulator, the API and its UI over HTTP. Every role signs
// in and sees only its pages; tasks are completed from the page; a citizen's Antrag is followed from submission
// through payment and delivery to the Bescheid. Every page the browser is served is checked with axe-core (WCAG 2.1
// A and AA). Screenshots of the main pages go to docs/screenshots/.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoUsers } from '../api/auth';
import { lifecycleStateQuery, lifecycleWorkflowId } from '../messages/onlinedienst';
import { rolloutStateQuery } from '../messages/rollout';
import { antragStack, antragsteller, anwohnerparken, type AntragStack } from './harness/antrag';
import { CHROMIUM, startBrowser } from './harness/browser';
import { lifecycleHelpers, VALID } from './harness/lifecycle';
import { uniqueId } from './harness/servers';
import type { ServedApp } from './harness/stack';
import { eventually } from './harness/wait';

// Browser globals inside page.evaluate (the project compiles without the DOM library).
declare const document: any;
declare function getComputedStyle(element: unknown): { outlineStyle: string };

const SHOTS = path.resolve('docs/screenshots');
const pdf = Buffer.from('%PDF-1.4\n% Bescheid\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

let h: AntragStack;
/** The UI server: the stack's app with what development adds; `ui.api` calls its API. */
let ui: ServedApp;
let base: string;
/** Chromium, every page it is served kept for the accessibility check after each test (test/harness/browser.ts). */
let b: Awaited<ReturnType<typeof startBrowser>>;

/** The API of the UI server as a demo user; anything but success is an error of the setup. */
async function mustApi(method: string, p: string, user: string, body?: unknown) {
  const res = await ui.api(method, p, { user, body });
  if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const lifecycle = (id: string) => h.client.workflow.getHandle(lifecycleWorkflowId(id)).query(lifecycleStateQuery);

/** Completes open tasks as their role's demo user, through the UI server's API, until the lifecycle reaches `phase`. */
const driveTo = (id: string, phase: string) => lifecycleHelpers({ api: ui.api, client: h.client }).driveTo(id, phase);

const newPage = (): Promise<Page> => b.newPage();
const signIn = (page: Page, userId: string) => b.signIn(page, userId);

afterEach(async () => {
  expect(await b.accessibilityViolations()).toEqual([]);
});

async function shot(page: Page, name: string, fullPage = true) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

/** Reloads until the locator shows up (the workflow moves on in the background). */
async function reloadUntil(page: Page, visible: () => Promise<boolean>, what: string, ms = 30_000) {
  await eventually(
    async () => {
      if (await visible()) return true;
      await page.reload();
      return false;
    },
    ms,
    what,
  );
}

const ids = {
  leipzigOd: '',
  dresdenOd: '',
  bestandOd: '',
  release: '',
  ticketWf: '',
  outageVn: '',
  stornoLeipzig: '',
  stornoDresden: '',
};

beforeAll(async () => {
  expect(fs.existsSync(CHROMIUM), `${CHROMIUM} missing: apt-get install chromium`).toBe(true);
  h = await antragStack({ endpointAlertAfterMs: 3_600_000 });
  // The UI server: the same app as the stack's, with what development adds (demo sign-in, mail view, Temporal links).
  ui = await h.serveApp({
    temporalUiUrl: 'http://localhost:8233',
    mailViewUrl: inject('mailViewUrl'),
    uiDemoSignIn: true,
  });
  base = ui.base;
  b = await startBrowser(base);

  // Onlinedienste: Leipzig's up to its rollout ticket, one of Dresden's in Klärung, one already in production.
  const kontakte = (id: string) => ({
    prozesseigner: `${id}.pe@example.org`,
    prozessmodellierer: `${id}.pm@example.org`,
    zertifizierer: `${id}.zert@example.org`,
    testteam: `${id}.tt@example.org`,
    redaktion: `${id}.red@example.org`,
    projektleitung: `${id}.pl@example.org`,
  });
  ids.leipzigOd = uniqueId('bewohnerparken');
  ids.dresdenOd = uniqueId('hundesteuer');
  ids.bestandOd = uniqueId('wohngeld');
  await mustApi('POST', '/api/onlinedienste', 'pe-smk', {
    id: ids.leipzigOd,
    name: 'Bewohnerparken Leipzig',
    mandantId: 'leipzig',
    kontakte: kontakte(ids.leipzigOd),
    featureTags: ['payment'],
  });
  await mustApi('POST', '/api/onlinedienste', 'pe-smk', {
    id: ids.dresdenOd,
    name: 'Hundesteuer Dresden',
    mandantId: 'dresden',
    kontakte: kontakte(ids.dresdenOd),
  });
  await mustApi('POST', '/api/onlinedienste', 'pl-sk', {
    id: ids.bestandOd,
    name: 'Wohngeld online',
    mandantId: 'leipzig',
    prozesseigner: 'pe-smk',
    kontakte: kontakte(ids.bestandOd),
    featureTags: ['payment'],
    bestand: {
      prozess: { name: 'Wohngeld', version: 'v2.0' },
      formular: { name: 'Wohngeld', version: 'v2.0' },
      zertifizierungsReferenz: 'Z-2025-3',
      aktivierteMandanten: ['leipzig'],
    },
  });
  await driveTo(ids.leipzigOd, 'prototyp');
  await mustApi('PUT', `/api/onlinedienste/${ids.leipzigOd}/aktivierungen/leipzig`, 'admin-leipzig', {
    organisationseinheitId: 'oe-leipzig-ordnungsamt',
    leistungId: '99102013000000',
  });
  await mustApi('PUT', `/api/onlinedienste/${ids.leipzigOd}/aktivierungen/leipzig/prozessparameter`, 'admin-leipzig', {
    parameter: [
      { key: 'epaybl.passwort', wert: 'geheim-4711', geschuetzt: true },
      { key: 'empfaengerPostfach', wert: 'ordnungsamt@leipzig.de' },
    ],
  });
  await driveTo(ids.leipzigOd, 'produktivsetzung');
  await mustApi(
    'POST',
    `/api/onlinedienste/${ids.leipzigOd}/aufgaben/produktivsetzung-freigeben`,
    'pl-sk',
    VALID['produktivsetzung-freigeben'],
  );
  await mustApi('POST', `/api/onlinedienste/${ids.leipzigOd}/aufgaben/uebernahme-beantragen`, 'pe-smk', {
    ...VALID['uebernahme-beantragen'],
    ticketId: 'SD-4711',
  });
  ids.ticketWf = (await eventually(
    async () => (await lifecycle(ids.leipzigOd)).rollout.active?.workflowId,
    15_000,
    'rollout ticket',
  ))!;
  await eventually(
    async () =>
      (await h.db
        .selectFrom('rollout_ticket')
        .select('workflow_id')
        .where('workflow_id', '=', ids.ticketWf)
        .executeTakeFirst()) !== undefined,
    15_000,
    'ticket row',
  );

  // A release campaign with a breaking change for payment.
  ids.release = uniqueId('2026.1');
  await mustApi('POST', '/api/releases', 'awb-sid', {
    version: ids.release,
    releaseDate: new Date().toISOString().slice(0, 10),
    changes: [{ id: 'EPAY-2', title: 'Neue ePayBL-Schnittstelle', tags: ['payment'], breaking: true }],
  });
  await eventually(
    async () =>
      (await h.db.selectFrom('release_recheck').select('onlinedienst_id').where('version', '=', ids.release).execute())
        .length > 0,
    20_000,
    'release rechecks',
  );

  // A Fachverfahren that is down: the Transferverzeichnis of this activation is missing.
  const down = await h.aktivierung({ 'zustellung.modus': 'transfer-plain' });
  fs.rmSync(path.join(h.transferRoot, down), { recursive: true, force: true });
  ids.outageVn = (
    await h.submit({
      aktivierungId: down,
      daten: anwohnerparken({ kennzeichen: 'L-XY 99' }),
      antragsteller: antragsteller(`${uniqueId('wartet')}@example.org`),
    })
  ).body.vorgangsnummer;
  await eventually(
    async () =>
      (await h.db.selectFrom('endpunkt_status').select('down_since').where('down_since', 'is not', null).execute())
        .length > 0,
    20_000,
    'endpoint down',
  );

  // One of Dresden's Anträge, for the statistics.
  await h.db
    .insertInto('aktivierung')
    .values({
      id: 'anwohnerparken-dresden',
      onlinedienst_id: 'anwohnerparken',
      mandant_id: 'dresden',
      oe_id: 'oe-dresden-buergeramt',
      leistung_id: '99102013000000',
      status: 'aktiv',
      wartungsmodus_text: null,
    })
    .execute();
  await h.db
    .insertInto('antrag')
    .values({
      vorgangsnummer: 'A24-DRESD-00001',
      aktivierung_id: 'anwohnerparken-dresden',
      onlinedienst_id: 'anwohnerparken',
      mandant_id: 'dresden',
      formular_version: '1.0',
      payload_hash: 'x',
      form_data: '{}',
      antragsteller: JSON.stringify({ name: 'Dora Dresden', email: 'dora@example.org' }),
      bearbeitung_status: null,
      eingegangen_am: new Date(),
      personendaten_geloescht_am: null,
    })
    .execute();

  // A refund task for each Mandant's admin, as the Antrag workflow opens them for a paid Antrag it cannot deliver.
  ids.stornoLeipzig = `${uniqueId('A24-LEIPZ')}:storno`;
  ids.stornoDresden = `${uniqueId('A24-DRESD')}:storno`;
  const storno = (id: string, mandant: string, kassenzeichen: string) => ({
    id,
    art: 'storno',
    rolle: 'mandant-admin',
    mandant_id: mandant,
    betreff_typ: 'antrag',
    betreff_id: id.split(':')[0]!,
    titel: `Gebühr erstatten: Kassenzeichen ${kassenzeichen}`,
    beschreibung: `Bitte ${kassenzeichen} in ePayBL stornieren.`,
    faellig_am: null,
    erledigt_von: null,
    erledigt_am: null,
  });
  await h.db
    .insertInto('aufgabe')
    .values([storno(ids.stornoLeipzig, 'leipzig', 'KZ-L-4711'), storno(ids.stornoDresden, 'dresden', 'KZ-D-0815')])
    .execute();
}, 240_000);

afterAll(async () => {
  await b?.close();
  await h?.close(); // the UI server too
});

describe('signing in and seeing only what the role may see', () => {
  const pages = [
    '/aufgaben',
    '/betrieb',
    '/onlinedienste',
    '/antraege',
    '/mandanten',
    '/statistik',
    '/entwicklung/mails',
  ];
  const allowed: Record<string, string[]> = {
    'buerger-anna': [],
    'pe-smk': ['/aufgaben', '/onlinedienste'],
    'pm-seitenbau': ['/aufgaben', '/onlinedienste'],
    'zert-pruefstelle': ['/aufgaben', '/onlinedienste'],
    'awb-sid': ['/aufgaben', '/betrieb', '/onlinedienste', '/mandanten', '/statistik', '/entwicklung/mails'],
    'admin-leipzig': ['/aufgaben', '/onlinedienste', '/antraege', '/mandanten', '/statistik'],
    'admin-dresden': ['/aufgaben', '/onlinedienste', '/antraege', '/mandanten', '/statistik'],
    'sb-leipzig': ['/aufgaben', '/antraege'],
    'redaktion-sk': ['/aufgaben', '/onlinedienste'],
    'pl-sk': ['/aufgaben', '/betrieb', '/onlinedienste', '/mandanten', '/statistik'],
    'tt-sid': ['/aufgaben', '/onlinedienste'],
  };

  it('sends a visitor who is not signed in to the sign-in page and back', async () => {
    const page = await newPage();
    await page.goto(`${base}/betrieb`);
    expect(new URL(page.url()).pathname).toBe('/anmelden');
    await shot(page, 'anmelden');
    await page.getByLabel('Benutzer', { exact: true }).selectOption('awb-sid');
    await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
    await page.waitForURL(`${base}/betrieb`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Betrieb (AWB)');
    // The session cookie is out of reach of scripts and never sent cross-site.
    const cookie = (await page.context().cookies()).find((c) => c.name === 'amt24_sitzung')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    // The API does not take the cookie: bearer tokens only.
    expect((await page.request.get(`${base}/api/me`)).status()).toBe(401);
  });

  it.each(demoUsers.map((u) => [u.id]))(
    '%s sees its navigation and pages, and is refused the others',
    async (userId) => {
      const page = await newPage();
      await signIn(page, userId);
      const nav = await page
        .locator('nav[aria-label="Hauptnavigation"] a')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(nav).toEqual(allowed[userId]);
      await expect(page.locator('header').textContent()).resolves.toContain(
        demoUsers.find((u) => u.id === userId)!.name,
      );
      for (const p of pages) {
        const res = await page.goto(`${base}${p}`);
        if (allowed[userId]!.includes(p)) {
          expect(res!.status(), `${userId} ${p}`).toBe(200);
        } else {
          expect(res!.status(), `${userId} ${p}`).toBe(403);
          await expect(page.locator('h1').textContent()).resolves.toBe('Keine Berechtigung');
        }
      }
    },
  );

  it('shows the AWB the board — pipeline, SLA of rollout tickets, release campaign, endpoints down — but no Antrag contents', async () => {
    const page = await newPage();
    await signIn(page, 'awb-sid');
    await page.goto(`${base}/betrieb`);
    const pipeline = page.locator('ol.pipeline');
    await expect(pipeline.locator('li', { hasText: '6 Produktivsetzung' }).first().textContent()).resolves.toContain(
      'Bewohnerparken Leipzig',
    );
    await expect(
      pipeline.locator('li', { hasText: '1 Klärung grundlegender Fragen' }).first().textContent(),
    ).resolves.toContain('Hundesteuer Dresden');
    await expect(pipeline.locator('li', { hasText: '8 Betrieb und Wartung' }).first().textContent()).resolves.toContain(
      'Wohngeld online',
    );
    const tickets = page.locator('section[aria-labelledby="tickets-h"]');
    await expect(tickets.textContent()).resolves.toContain('SD-4711');
    await expect(tickets.locator('.badge').first().textContent()).resolves.toMatch(
      /^(im Plan|Warnung|verletzt|angehalten)$/,
    );
    await expect(tickets.locator(`a[href$="/workflows/${encodeURIComponent(ids.ticketWf)}"]`).count()).resolves.toBe(1);
    const release = page.locator('section[aria-labelledby="release-h"]');
    await expect(release.locator('h2').textContent()).resolves.toContain(ids.release);
    await expect(release.locator('tbody').textContent()).resolves.toContain('Wohngeld online');
    await expect(release.textContent()).resolves.toContain('Rezertifizierung erforderlich');
    const endpunkte = page.locator('section[aria-labelledby="endpunkte-h"] tbody tr');
    await expect(endpunkte.count()).resolves.toBeGreaterThanOrEqual(1);
    await expect(endpunkte.first().locator('td.num').textContent()).resolves.toMatch(/^[1-9]\d*$/);
    await shot(page, 'betrieb');
    const csv = await page.request.get(`${base}/betrieb/releases/${ids.release}/pruefungen.csv`);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain('Wohngeld online');

    // The AWB keeps statistics but does not see Anträge.
    expect((await page.goto(`${base}/antraege/${ids.outageVn}`))!.status()).toBe(403);
    expect(await page.content()).not.toContain('L-XY 99');

    // The Onlinedienst page: life as SVG with a text equivalent, activations with the protected value masked, audit log.
    await page.goto(`${base}/onlinedienste/${ids.leipzigOd}`);
    const svg = page.locator('section[aria-labelledby="leben-h"] svg[role="img"]');
    await expect(svg.locator('title').textContent()).resolves.toBe('Lebenslauf von Bewohnerparken Leipzig');
    await expect(page.locator('section[aria-labelledby="leben-h"] table tbody tr').count()).resolves.toBe(6);
    const aktivierungen = page.locator('section[aria-labelledby="akt-h"]');
    await expect(aktivierungen.textContent()).resolves.toContain('ordnungsamt@leipzig.de');
    await expect(aktivierungen.textContent()).resolves.toContain('••••••');
    expect(await page.content()).not.toContain('geheim-4711');
    await expect(page.locator('section[aria-labelledby="audit-h"] tbody').textContent()).resolves.toContain(
      'rollout.beantragt',
    );
    await page.getByRole('link', { name: 'Alle Einträge anzeigen' }).click();
    await expect(page.locator('section[aria-labelledby="audit-h"] tbody').textContent()).resolves.toContain(
      'onlinedienst.lebenszyklus.gestartet',
    );
    await page.goto(`${base}/onlinedienste/${ids.leipzigOd}`);
    await expect(
      page
        .locator(
          `a[href="http://localhost:8233/namespaces/${inject('temporalNamespace')}/workflows/onlinedienst-${ids.leipzigOd}"]`,
        )
        .count(),
    ).resolves.toBe(1);
    await shot(page, 'onlinedienst');

    await page.goto(`${base}/statistik`);
    await expect(page.locator('#tabelle-antraege').textContent()).resolves.toContain('Landeshauptstadt Dresden');
    await expect(page.locator('#tabelle-phasen').textContent()).resolves.toContain('1 Klärung grundlegender Fragen');
    await shot(page, 'statistik');
    const phasenCsv = await (await page.request.get(`${base}/statistik/durchlaufzeiten.csv`)).text();
    expect(phasenCsv.startsWith('\uFEFFPhase;Aufenthalte;Mittel (Tage)')).toBe(true);

    await page.goto(`${base}/entwicklung/mails`);
    await expect(page.locator('details summary').first().textContent()).resolves.toContain('an ');
    await shot(page, 'mails', false);
  });

  it('keeps a Mandant-Admin of Leipzig out of Dresden and the other way round', async () => {
    const leipzig = await newPage();
    await signIn(leipzig, 'admin-leipzig');
    await leipzig.goto(`${base}/onlinedienste`);
    const list = await leipzig.locator('main table').textContent();
    expect(list).toContain('Bewohnerparken Leipzig');
    expect(list).not.toContain('Hundesteuer Dresden');
    expect((await leipzig.goto(`${base}/onlinedienste/${ids.dresdenOd}`))!.status()).toBe(404);
    expect((await leipzig.goto(`${base}/antraege/A24-DRESD-00001`))!.status()).toBe(404);
    await leipzig.goto(`${base}/statistik`);
    const stats = await leipzig.locator('#tabelle-antraege').textContent();
    expect(stats).toContain('Stadt Leipzig');
    expect(stats).not.toContain('Dresden');
    const csv = await (await leipzig.request.get(`${base}/statistik/antraege.csv`)).text();
    expect(csv).toContain(';leipzig;Stadt Leipzig;');
    expect(csv).not.toContain('dresden');
    await leipzig.goto(`${base}/antraege`);
    expect(await leipzig.locator('main tbody').textContent()).not.toContain('A24-DRESD-00001');
    await leipzig.goto(`${base}/aufgaben`);
    const erstattungen = await leipzig.locator('section[aria-labelledby="erstattung-h"]').textContent();
    expect(erstattungen).toContain('Gebühr erstatten: Kassenzeichen KZ-L-4711');
    expect(erstattungen).not.toContain('KZ-D-0815');

    const dresden = await newPage();
    await signIn(dresden, 'admin-dresden');
    await dresden.goto(`${base}/antraege`);
    expect(await dresden.locator('main tbody').textContent()).toContain('A24-DRESD-00001');
    expect(await dresden.locator('main tbody').textContent()).not.toContain(ids.outageVn);
    expect((await dresden.goto(`${base}/onlinedienste/${ids.leipzigOd}`))!.status()).toBe(404);
  });
});

describe('the API operations behind the pages that read PostgreSQL or the mail server themselves before', () => {
  it('GET /api/aufgaben: open person tasks of the own roles, own Mandant only; none for a citizen', async () => {
    const leipzig = await ui.api('GET', '/api/aufgaben', { user: 'admin-leipzig' });
    expect(leipzig.status).toBe(200);
    const leipzigIds = leipzig.body.items.map((a: any) => a.id);
    expect(leipzigIds).toContain(ids.stornoLeipzig);
    expect(leipzigIds).not.toContain(ids.stornoDresden);
    expect(leipzig.body.items.find((a: any) => a.id === ids.stornoLeipzig)).toMatchObject({
      art: 'storno',
      rolle: 'mandant-admin',
      mandantId: 'leipzig',
      betreffTyp: 'antrag',
      faelligAm: null,
      titel: 'Gebühr erstatten: Kassenzeichen KZ-L-4711',
      erstelltAm: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    for (const a of leipzig.body.items) expect([null, 'leipzig']).toContain(a.mandantId);
    const dresden = await ui.api('GET', '/api/aufgaben', { user: 'admin-dresden' });
    expect(dresden.body.items.map((a: any) => a.id)).toEqual(expect.arrayContaining([ids.stornoDresden]));
    expect(dresden.body.items.map((a: any) => a.id)).not.toContain(ids.stornoLeipzig);
    // Another role sees every Mandant, but only its own role's tasks.
    const awb = await ui.api('GET', '/api/aufgaben', { user: 'awb-sid' });
    expect(awb.status).toBe(200);
    expect(awb.body.items.map((a: any) => a.id)).not.toContain(ids.stornoLeipzig);
    for (const a of awb.body.items) expect(a.rolle).toBe('awb');
    expect((await ui.api('GET', '/api/aufgaben', { user: 'buerger-anna' })).status).toBe(403);
    expect((await ui.api('GET', '/api/aufgaben')).status).toBe(401);
  });

  it('GET /api/statistik/…: cross-Mandant roles see every Mandant, a Mandant-Admin only the own', async () => {
    const all = await ui.api('GET', '/api/statistik/antraege', { user: 'pl-sk' });
    expect(all.status).toBe(200);
    const mandantenOf = (items: any[]) => [...new Set(items.map((r) => r.mandantId))].sort();
    expect(mandantenOf(all.body.items)).toEqual(expect.arrayContaining(['dresden', 'leipzig']));
    expect(all.body.items.find((r: any) => r.mandantId === 'dresden')).toMatchObject({
      leistungId: '99102013000000',
      mandant: 'Landeshauptstadt Dresden',
      monat: expect.stringMatching(/^\d{4}-\d{2}$/),
      anzahl: 1,
    });
    const leipzig = await ui.api('GET', '/api/statistik/antraege', { user: 'admin-leipzig' });
    expect(leipzig.status).toBe(200);
    expect(mandantenOf(leipzig.body.items)).toEqual(['leipzig']);
    expect(mandantenOf((await ui.api('GET', '/api/statistik/antraege', { user: 'admin-dresden' })).body.items)).toEqual(
      ['dresden'],
    );
    // Asking for a Mandant narrows the numbers; one the caller may not see does not exist for them.
    expect(
      mandantenOf((await ui.api('GET', '/api/statistik/antraege?mandant=dresden', { user: 'awb-sid' })).body.items),
    ).toEqual(['dresden']);
    expect((await ui.api('GET', '/api/statistik/antraege?mandant=dresden', { user: 'admin-leipzig' })).status).toBe(
      404,
    );
    expect(
      (await ui.api('GET', '/api/statistik/durchlaufzeiten?mandant=dresden', { user: 'admin-leipzig' })).status,
    ).toBe(404);
    const invalid = await ui.api('GET', '/api/statistik/antraege?mandant=Dresden!', { user: 'awb-sid' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.invalidParams.map((p: any) => p.name)).toEqual(['mandant']);

    // Lead times: Leipzig's lifecycle left Klärung; Dresden's is still in it. Counted per Mandant, the two never add
    // up to more than the whole.
    const klaerung = async (user: string) => {
      const res = await ui.api('GET', '/api/statistik/durchlaufzeiten', { user });
      expect(res.status).toBe(200);
      return res.body.items.find((p: any) => p.phase === 'klaerung')?.anzahl ?? 0;
    };
    const [gesamt, inLeipzig, inDresden] = [
      await klaerung('awb-sid'),
      await klaerung('admin-leipzig'),
      await klaerung('admin-dresden'),
    ];
    expect(inLeipzig).toBeGreaterThanOrEqual(1);
    expect(inLeipzig + inDresden).toBeLessThanOrEqual(gesamt);
    const phasen = (await ui.api('GET', '/api/statistik/durchlaufzeiten', { user: 'admin-leipzig' })).body.items;
    expect(phasen[0]).toMatchObject({
      phase: 'klaerung',
      mittelMs: expect.any(Number),
      medianMs: expect.any(Number),
      maxMs: expect.any(Number),
    });

    for (const user of ['sb-leipzig', 'pe-smk', 'buerger-anna']) {
      expect((await ui.api('GET', '/api/statistik/antraege', { user })).status, user).toBe(403);
      expect((await ui.api('GET', '/api/statistik/durchlaufzeiten', { user })).status, user).toBe(403);
    }
  });

  it('GET /api/entwicklung/mails: for the AWB with the loopback mail server, newest first; 404 without it', async () => {
    const res = await ui.api('GET', '/api/entwicklung/mails', { user: 'awb-sid' });
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThanOrEqual(1);
    expect(res.body.items.length).toBeLessThanOrEqual(50);
    const times = res.body.items.map((m: any) => m.receivedAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(res.body.items[0]).toMatchObject({
      subject: expect.any(String),
      envelopeTo: expect.any(Array),
      text: expect.any(String),
    });
    expect((await ui.api('GET', '/api/entwicklung/mails?limit=1', { user: 'awb-sid' })).body.items).toHaveLength(1);
    expect((await ui.api('GET', '/api/entwicklung/mails?limit=0', { user: 'awb-sid' })).status).toBe(400);
    expect((await ui.api('GET', '/api/entwicklung/mails', { user: 'pl-sk' })).status).toBe(403);
    // The stack's own app runs as in production: no loopback mail server, so no such route for anyone.
    expect((await h.api('GET', '/api/entwicklung/mails', { user: 'awb-sid' })).status).toBe(404);
  });

  it('documents each of them with its roles and response schema', async () => {
    const doc = (await ui.api('GET', '/openapi.json')).body;
    const roles = (p: string) => doc.paths[p].get['x-roles'];
    expect(roles('/api/aufgaben')).toEqual(expect.arrayContaining(['sachbearbeitung', 'mandant-admin', 'awb']));
    expect(roles('/api/aufgaben')).not.toContain('buerger');
    expect(roles('/api/statistik/antraege')).toEqual(['awb', 'projektleitung', 'mandant-admin']);
    expect(roles('/api/statistik/durchlaufzeiten')).toEqual(['awb', 'projektleitung', 'mandant-admin']);
    expect(roles('/api/entwicklung/mails')).toEqual(['awb']);
    for (const p of [
      '/api/aufgaben',
      '/api/statistik/antraege',
      '/api/statistik/durchlaufzeiten',
      '/api/entwicklung/mails',
    ]) {
      expect(doc.paths[p].get.responses['200'].content['application/json'].schema, p).toBeDefined();
      expect(doc.paths[p].get.responses['403'], p).toBeDefined();
    }
    expect(doc.paths['/api/entwicklung/mails'].get.responses['404']).toBeDefined();
  });
});

describe('tasks from the page', () => {
  it('lets the Prozesseigner complete a lifecycle task: errors at the fields first, then done', async () => {
    const page = await newPage();
    await signIn(page, 'pe-smk');
    await page.goto(`${base}/aufgaben`);
    const row = page
      .locator('tr', { has: page.locator(`a[href="/onlinedienste/${ids.dresdenOd}"]`) })
      .filter({ hasText: 'Rechtsgrundlagen' });
    await expect(row.locator('td').nth(3).textContent()).resolves.toMatch(/\d{4}/); // since when
    await expect(row.locator('td').nth(4).textContent()).resolves.toMatch(/\d{4}/); // by when
    await shot(page, 'aufgaben');
    await row.getByRole('link', { name: 'Rechtsgrundlagen und Vertrauensniveau klären' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Rechtsgrundlagen und Vertrauensniveau klären');

    // Every form field has a label (radio and checkbox groups a legend too).
    const unlabelled = await page
      .locator('main form input:not([type=hidden]), main form select, main form textarea')
      .evaluateAll((els) => els.filter((e) => (e as any).labels?.length === 0).map((e) => e.id));
    expect(unlabelled).toEqual([]);

    // The workflow judges the fields; its messages come back at the fields.
    await page.getByLabel('Vertrauensniveau').selectOption('hoch');
    await page.getByRole('button', { name: 'Aufgabe erledigen' }).click();
    const alert = page.getByRole('alert');
    await expect(alert.textContent()).resolves.toContain('Rechtsgrundlagen: Mindestens ein Eintrag erforderlich.');
    await expect(page.getByLabel('Rechtsgrundlagen').getAttribute('aria-invalid')).resolves.toBe('true');
    await shot(page, 'aufgabe-fehler');

    await page.getByLabel('Rechtsgrundlagen').fill('§ 2 SächsHundStG\n§ 7 SächsKAG');
    await page.getByLabel('Besonderheiten (optional)').fill('Ermäßigung für Assistenzhunde');
    await page.getByRole('button', { name: 'Aufgabe erledigen' }).click();
    await page.waitForURL(`${base}/aufgaben?ok=aufgabe`);
    await expect(page.getByRole('status').textContent()).resolves.toContain('Die Aufgabe ist erledigt.');
    const v = await lifecycle(ids.dresdenOd);
    const done = v.completedTasks.find((t) => t.id === 'rechtsgrundlagen');
    expect(done).toMatchObject({ completedBy: 'pe-smk' });
    const audit = await h.db
      .selectFrom('audit_log')
      .select(['actor', 'details'])
      .where('subject_id', '=', ids.dresdenOd)
      .where('action', '=', 'onlinedienst.aufgabe.erledigt')
      .execute();
    expect(audit.map((a) => a.actor)).toEqual(['pe-smk']);
    expect(await page.locator('main').textContent()).not.toContain('Rechtsgrundlagen und Vertrauensniveau klären');
  });

  it('lets the AWB take over a rollout ticket from the inbox', async () => {
    const page = await newPage();
    await signIn(page, 'awb-sid');
    await page.goto(`${base}/aufgaben`);
    const row = page.locator('section[aria-labelledby="tickets-h"] tr', { hasText: 'SD-4711' });
    await row.getByRole('button', { name: 'Ticket übernehmen' }).click();
    await page.waitForURL(`${base}/aufgaben?ok=ticket`);
    const ticket = await h.client.workflow.getHandle(ids.ticketWf).query(rolloutStateQuery);
    expect(ticket.ticket).toMatchObject({ status: 'in_progress', assignee: 'awb-sid' });
    // Now the next step is the transfer, still in the AWB's inbox.
    await expect(
      page
        .locator('section[aria-labelledby="tickets-h"] tr', { hasText: 'SD-4711' })
        .getByRole('button', { name: 'Übernahme melden' })
        .count(),
    ).resolves.toBe(1);
  });

  it('refuses a form posted without the CSRF token', async () => {
    const page = await newPage();
    await signIn(page, 'awb-sid');
    const res = await page.request.post(`${base}/rollout/${encodeURIComponent(ids.ticketWf)}/befehl`, {
      form: { type: 'mark-transferred', produktivVersion: 'v1.0' },
    });
    expect(res.status()).toBe(403);
    expect(await res.text()).toContain('Sicherheitsprüfung fehlgeschlagen');
    expect((await h.client.workflow.getHandle(ids.ticketWf).query(rolloutStateQuery)).ticket.status).toBe(
      'in_progress',
    );
  });
});

describe("a citizen's Antrag from submission to Bescheid", () => {
  it('shows payment, delivery and processing apart on the status page, driven by the authority from its pages', async () => {
    const akt = await h.aktivierung({ 'zustellung.modus': 'transfer-plain', ...h.gebuehr() });
    const submitted = await h.submit({
      aktivierungId: akt,
      daten: anwohnerparken(),
      antragsteller: antragsteller(`${uniqueId('anna')}@example.org`),
    });
    expect(submitted.status).toBe(201);
    const { vorgangsnummer: vn, statusToken } = submitted.body;

    // The citizen: no account, only the token from the receipt.
    const citizen = await newPage();
    await citizen.goto(`${base}/`);
    await citizen.getByLabel('Token aus Ihrer Eingangsbestätigung').fill(statusToken);
    await citizen.getByRole('button', { name: 'Stand anzeigen' }).click();
    await expect(citizen.locator('h1').textContent()).resolves.toBe(`Ihr Antrag ${vn}`);
    const pay = citizen.getByRole('link', { name: 'Gebühr jetzt bezahlen (ePayBL)' });
    await reloadUntil(citizen, async () => (await pay.count()) === 1, 'pay link');
    await pay.click();
    await citizen.getByRole('button', { name: 'Bezahlen' }).click();
    // Back from the pay page: not proof of payment, the workflow asks ePayBL.
    await citizen.waitForURL(/\/status\/.+\?zahlung=/);
    await expect(citizen.getByRole('status').first().textContent()).resolves.toContain(
      'Sie kommen von der Bezahlseite zurück',
    );
    const station = (name: string) =>
      citizen.locator('tr', { has: citizen.locator('th', { hasText: name }) }).locator('td');
    await reloadUntil(
      citizen,
      async () => (await station('Der zuständigen Stelle zugestellt').textContent())!.startsWith('erledigt'),
      'delivered',
    );
    await expect(station('Gebühr bezahlt').textContent()).resolves.toMatch(/^erledigt am/);
    await expect(station('In Bearbeitung').textContent()).resolves.toBe('noch offen');

    // The authority: from the inbox to the Antrag, in Bearbeitung, then a Nachforderung.
    const sb = await newPage();
    await signIn(sb, 'sb-leipzig');
    await sb.goto(`${base}/aufgaben`);
    await sb.getByRole('link', { name: vn }).click();
    await expect(sb.locator('h1').textContent()).resolves.toBe(`Antrag ${vn}`);
    await expect(
      sb
        .locator(`a[href="http://localhost:8233/namespaces/${inject('temporalNamespace')}/workflows/antrag-${vn}"]`)
        .count(),
    ).resolves.toBe(1);
    await sb.getByRole('button', { name: 'In Bearbeitung nehmen' }).click();
    await expect(sb.getByRole('status').textContent()).resolves.toContain('Der Antrag ist in Bearbeitung.');
    await sb.getByLabel('Was fehlt').fill('Bitte die Meldebescheinigung nachreichen.');
    await sb.getByLabel('Frist').fill(new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10));
    await sb.getByRole('button', { name: 'Nachforderung senden' }).click();
    await expect(sb.getByRole('status').textContent()).resolves.toContain('Die Nachforderung ist gestellt');

    // The citizen answers on the status page.
    await citizen.goto(`${base}/status/${statusToken}`);
    await citizen.getByLabel('Ihre Antwort').fill('Meldebescheinigung folgt per Post.');
    await citizen.getByRole('button', { name: 'Antwort senden' }).click();
    await expect(citizen.getByRole('status').first().textContent()).resolves.toContain(
      'Ihre Antwort ist bei der Behörde eingegangen',
    );

    // The Bescheid, uploaded from the page.
    await sb.reload();
    await sb
      .getByLabel('Bescheid (PDF)')
      .setInputFiles({ name: 'bescheid.pdf', mimeType: 'application/pdf', buffer: pdf });
    await sb.getByLabel('Aktenzeichen').fill('ORD-2026-0815');
    await sb.getByLabel('Art').selectOption('bewilligung');
    await sb.getByLabel('Datum des Bescheids').fill('2026-11-24');
    await sb.getByRole('button', { name: 'Bescheid zustellen' }).click();
    await expect(sb.getByRole('status').textContent()).resolves.toContain(
      'Der Bescheid ist dem Antragsteller zugestellt.',
    );
    await shot(sb, 'antrag-behoerde');

    await citizen.goto(`${base}/status/${statusToken}`);
    await expect(station('Bescheid zugestellt').textContent()).resolves.toMatch(/^erledigt am/);
    await expect(station('Nachforderung').textContent()).resolves.toMatch(/^erledigt am/);
    const technisch = (await citizen.locator('#technisch-liste').textContent())!;
    const bearbeitung = (await citizen.locator('#bearbeitung-liste').textContent())!;
    expect(technisch).toContain('Bezahlt');
    expect(technisch).toContain('Der Behörde zugestellt');
    expect(technisch).not.toContain('Bescheid');
    for (const s of ['In Bearbeitung', 'Nachforderung', 'Nachforderung beantwortet', 'Bescheid zugestellt'])
      expect(bearbeitung).toContain(s);
    expect(bearbeitung).not.toContain('Bezahlt');
    // One Nachforderung, answered: reloading the authority's page did not send it again, and nothing is left to answer.
    expect(bearbeitung.split('Nachforderung – ')).toHaveLength(2);
    await expect(citizen.getByLabel('Ihre Antwort').count()).resolves.toBe(0);
    await expect(citizen.locator('svg[role="img"] title').textContent()).resolves.toBe(`Zeitleiste des Antrags ${vn}`);
    const bescheid = citizen.getByRole('link', { name: /^Bescheid \(/ });
    const download = await citizen.request.get(new URL((await bescheid.getAttribute('href'))!, base).toString());
    expect(Buffer.from(await download.body()).equals(pdf)).toBe(true);
    // The page leaks no token to the pay page or anywhere else, and runs no script.
    const res = await citizen.request.get(`${base}/status/${statusToken}`);
    expect(res.headers()['referrer-policy']).toBe('no-referrer');
    expect(res.headers()['content-security-policy']).toContain("script-src 'none'");
    await shot(citizen, 'status');
    // The status page is public: it links the statements every public page must offer.
    await expect(citizen.getByRole('contentinfo').getByRole('link').allTextContents()).resolves.toEqual(
      expect.arrayContaining(['Erklärung zur Barrierefreiheit', 'Impressum', 'Datenschutz']),
    );

    // Someone else's token shows nothing.
    expect((await citizen.goto(`${base}/status/${vn}.${'A'.repeat(32)}`))!.status()).toBe(404);
  }, 120_000);
});

describe('public pages', () => {
  const LINKS: [string, string][] = [
    ['Erklärung zur Barrierefreiheit', '/barrierefreiheit'],
    ['Impressum', '/impressum'],
    ['Datenschutz', '/datenschutz'],
  ];

  it('link the Erklärung zur Barrierefreiheit, Impressum and Datenschutz in the footer, without sign-in', async () => {
    const page = await newPage();
    for (const p of ['/', '/anmelden', '/barrierefreiheit']) {
      await page.goto(`${base}${p}`);
      const footer = page.getByRole('contentinfo');
      for (const [name, href] of LINKS)
        await expect(
          footer.getByRole('link', { name, exact: true }).getAttribute('href'),
          `${p} ${name}`,
        ).resolves.toBe(href);
    }
    const open = async (name: string) => {
      await page.getByRole('contentinfo').getByRole('link', { name, exact: true }).click();
      await expect(page.locator('h1').textContent()).resolves.toBe(name);
      return (await page.locator('main').textContent())!;
    };
    const erklaerung = await open('Erklärung zur Barrierefreiheit');
    expect(erklaerung).toContain('BITV 2.0');
    expect(erklaerung).toContain('Feedback und Kontakt');
    await expect(page.locator('main a[href^="mailto:"]').count()).resolves.toBeGreaterThan(0);
    const impressum = await open('Impressum');
    expect(impressum).toContain('Staatsbetrieb Sächsische Informatik Dienste');
    const datenschutz = await open('Datenschutz');
    for (const fact of ['Transferverzeichnis', '90 Tage nach dem Eingang', 'Art. 15 DSGVO', 'amt24_sitzung'])
      expect(datenschutz).toContain(fact);
    await page.goto(`${base}/status?token=`); // a redirect: back to the start page's status form
    // Each of these pages, reached by address, by a click or by a redirect, waits for the accessibility check.
    expect((await b.servedPages()).map((p) => new URL(p!.url).pathname)).toEqual([
      '/',
      '/anmelden',
      '/barrierefreiheit',
      '/barrierefreiheit',
      '/impressum',
      '/datenschutz',
      '/',
    ]);
  });

  it('has an accessibility check that finds what it is meant to find', async () => {
    // The check every test ends with, over a page made to fail it: an image without text, a field without label.
    const violations = await b.violationsOf({
      url: `${base}/pruefseite-axe`,
      html: '<!DOCTYPE html><html lang="de"><head><title>Probe</title></head><body><main><img src="/ui.css"><input type="text"></main></body></html>',
    });
    expect(violations).toEqual([
      expect.stringMatching(/^\/pruefseite-axe: image-alt \(critical\)/),
      expect.stringMatching(/^\/pruefseite-axe: label \(critical\)/),
    ]);
  });
});

describe('keyboard and labels', () => {
  it('reaches the skip link, the sign-in and a task by keyboard alone, with a visible focus', async () => {
    const page = await newPage();
    await page.goto(`${base}/anmelden`);
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Zum Inhalt springen');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('inhalt');
    const unlabelled = await page
      .locator('main input:not([type=hidden]), main select, main textarea')
      .evaluateAll((els) => els.filter((e) => (e as any).labels?.length === 0).map((e) => e.id));
    expect(unlabelled).toEqual([]);
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('benutzer');
    await page.keyboard.press('End'); // the last demo user: Testteam
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Anmelden');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/`);
    await expect(page.locator('header').textContent()).resolves.toContain('Testteam Amt24');
    await shot(page, 'start');

    await signIn(page, 'pe-smk');
    await page.goto(`${base}/aufgaben`);
    let found = false;
    for (let i = 0; i < 60 && !found; i++) {
      await page.keyboard.press('Tab');
      found = await page.evaluate(
        () => (document.activeElement as any)?.getAttribute('href')?.includes('/aufgaben/') ?? false,
      );
    }
    expect(found).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/onlinedienste\/.+\/aufgaben\//);
    await expect(page.getByRole('button', { name: 'Aufgabe erledigen' }).count()).resolves.toBe(1);
    await shot(page, 'aufgabe');
  });
});
