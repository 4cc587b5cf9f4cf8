// The pages everyone may read without signing in: server-rendered in German, linked from every page's footer, with
// no script (the Content-Security-Policy allows none). No server is needed: the app is called in-process.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../app/http';
import { inProcessDeps } from './in-process-app';

// These pages read nothing: a database or Temporal client touched here would throw.
const app = createApp(inProcessDeps('public-pages', 'a public page read data'));

const PAGES: [string, string, string[]][] = [
  ['/barrierefreiheit', 'Erklärung zur Barrierefreiheit', ['BITV 2.0', 'WCAG 2.1', 'Feedback und Kontakt', 'mailto:']],
  ['/impressum', 'Impressum', ['Staatsbetrieb Sächsische Informatik Dienste', 'Riesaer Straße 7']],
  ['/datenschutz', 'Datenschutz', ['90 Tage nach dem Eingang', 'Art. 15 DSGVO', 'amt24_csrf', 'Aufsichtsbehörde']],
];

describe('public pages', () => {
  it.each(PAGES)(
    '%s answers without sign-in, in German, with the footer links and no script',
    async (path, h1, facts) => {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'none'");
      const html = await res.text();
      expect(html).toContain('<html lang="de">');
      expect(html).toContain(`<h1>${h1}</h1>`);
      for (const fact of facts) expect(html).toContain(fact);
      for (const [href] of PAGES) expect(html).toContain(`href="${href}"`);
      expect(html).not.toContain('<script');
    },
  );
});
