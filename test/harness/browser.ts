// Chromium (Debian's, through playwright-core) for UI tests other than test/ui.test.ts: a closed-network launch, pages
// whose every navigation is kept for an axe-core check (WCAG 2.1 A and AA) after each test, and the demo sign-in.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type APIResponse, type Browser, type BrowserContext, type Page } from 'playwright-core';

// Browser globals inside page.evaluate (the project compiles without the DOM library).
declare const document: any;
declare const axe: any;

export const CHROMIUM = '/usr/bin/chromium';
const VIEW = { viewport: { width: 1280, height: 900 }, locale: 'de-DE', timezoneId: 'Europe/Berlin' };
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type ServedPage = { url: string; html: string };

export async function startBrowser(base: string) {
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const contexts: BrowserContext[] = [];
  const served: Promise<ServedPage | undefined>[] = [];
  const checked = new Set<string>();
  const auditContext = await browser.newContext(VIEW);

  /** The HTML a navigation ends on; a redirect's target is fetched once more with the same cookies. */
  async function pageBehind(context: BrowserContext, url: string, response: APIResponse, body: Buffer) {
    for (let hop = 0; hop < 5 && response.status() >= 300 && response.status() < 400; hop++) {
      url = new URL(response.headers()['location']!, url).href;
      if (new URL(url).origin !== base) return undefined;
      response = await context.request.get(url, { maxRedirects: 0 });
      body = await response.body();
    }
    if (!response.headers()['content-type']?.startsWith('text/html')) return undefined;
    return { url, html: body.toString('utf8') };
  }

  async function newPage(): Promise<Page> {
    const context = await browser.newContext(VIEW);
    contexts.push(context);
    await context.route(
      (url) => url.origin === base,
      async (route) => {
        const request = route.request();
        if (!request.isNavigationRequest()) return route.continue();
        const response = await route.fetch({ maxRedirects: 0 });
        const body = await response.body();
        await route.fulfill({ response, body });
        served.push(pageBehind(context, request.url(), response, body));
      },
    );
    return context.newPage();
  }

  /** axe-core over one served page, in a page of its own: its serious and critical violations. */
  async function violationsOf({ url: served, html }: ServedPage): Promise<string[]> {
    // Requests carry no fragment (a link to /mandanten/x#stammdaten asks for /mandanten/x).
    const url = served.split('#')[0]!;
    const key = html.replace(/name="_csrf" value="[^"]*"/g, '');
    if (checked.has(key)) return [];
    checked.add(key);
    const page = await auditContext.newPage();
    try {
      await page.route(
        (u) => u.href === url,
        (r) => r.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
      );
      await page.goto(url);
      await page.addScriptTag({ content: AXE });
      const violations: { id: string; impact: string; help: string; targets: string[] }[] = await page.evaluate(
        async () =>
          (
            await axe.run(document, {
              runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
              resultTypes: ['violations'],
            })
          ).violations.map((v: any) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            targets: v.nodes.map((n: any) => n.target.join(' ')),
          })),
      );
      return violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${new URL(url).pathname}: ${v.id} (${v.impact}) ${v.help}: ${v.targets.slice(0, 5).join(', ')}`);
    } finally {
      await page.close();
    }
  }

  /** Serious and critical axe violations of every page served since the last call. */
  async function accessibilityViolations(): Promise<string[]> {
    const out: string[] = [];
    for (const p of await Promise.all(served.splice(0))) if (p) out.push(...(await violationsOf(p)));
    return out;
  }

  /** The pages served since the last check, without taking them from it. */
  const servedPages = () => Promise.all([...served]);

  async function signIn(page: Page, userId: string) {
    await page.goto(`${base}/anmelden`);
    await page.getByLabel('Benutzer', { exact: true }).selectOption(userId);
    await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
    await page.waitForURL(`${base}/`);
  }

  async function close() {
    for (const c of [...contexts, auditContext]) await c.close().catch(() => undefined);
    await browser.close();
  }

  return { newPage, accessibilityViolations, violationsOf, servedPages, signIn, close };
}
