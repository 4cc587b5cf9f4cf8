// The web UI: server-rendered pages (Hono JSX, no client-side script) on the same Hono app as the API, in German,
// signed in with the same roles and Mandant scoping. Pages read and act through the API in-process.
import { Hono } from 'hono';
import type { ApiDeps } from '../api/deps';
import { HttpProblem } from '../api/problem';
import { apiClient, type ApiFetch } from './api-client';
import { render, type Ui } from './context';
import { registerAnmelden } from './pages/anmelden';
import { registerAntrag } from './pages/antrag';
import { registerAntraege } from './pages/antraege';
import { registerBarrierefreiheit } from './pages/barrierefreiheit';
import { registerDatenschutz } from './pages/datenschutz';
import { registerFormular } from './pages/formular';
import { registerAktivierung } from './pages/aktivierung';
import { registerAufgabe } from './pages/aufgabe';
import { registerAufgaben } from './pages/aufgaben';
import { registerBetrieb } from './pages/betrieb';
import { registerReleaseErinnerung } from './pages/release-erinnerung';
import { registerEreignis } from './pages/ereignis';
import { registerImpressum } from './pages/impressum';
import { registerMails } from './pages/mails';
import { registerMandanten } from './pages/mandanten';
import { registerOnlinedienst } from './pages/onlinedienst';
import { registerOnlinedienste } from './pages/onlinedienste';
import { registerOrganisationseinheit } from './pages/organisationseinheit';
import { registerStart } from './pages/start';
import { registerStatistik } from './pages/statistik';
import { registerStatus } from './pages/status';
import { session, type UiEnv } from './session';
import { css } from './styles';

/** Every path the UI owns; its session middleware runs only there, never in front of the API. */
const UI_PATHS = [
  '/',
  '/anmelden',
  '/abmelden',
  '/aufgaben',
  '/aufgaben/*',
  '/betrieb',
  '/betrieb/*',
  '/onlinedienste',
  '/onlinedienste/*',
  '/antraege',
  '/antraege/*',
  '/mandanten',
  '/mandanten/*',
  '/rollout/*',
  '/formular/*',
  '/status',
  '/status/*',
  '/statistik',
  '/statistik/*',
  '/entwicklung/*',
  '/barrierefreiheit',
  '/impressum',
  '/datenschutz',
];

export function uiRoutes(deps: ApiDeps, fetchApi: ApiFetch) {
  const app = new Hono<UiEnv>();
  const ui: Ui = { deps, api: apiClient(deps, fetchApi) };

  app.get('/ui.css', (c) =>
    c.body(css, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }),
  );
  for (const p of UI_PATHS) app.use(p, session(deps));

  registerStart(app, ui);
  registerAnmelden(app, ui);
  registerStatus(app, ui);
  registerFormular(app, ui);
  registerAufgaben(app, ui);
  registerAufgabe(app, ui);
  registerBetrieb(app, ui);
  registerReleaseErinnerung(app, ui);
  registerOnlinedienste(app, ui);
  registerOnlinedienst(app, ui);
  registerAktivierung(app, ui);
  registerEreignis(app, ui);
  registerMandanten(app, ui);
  registerOrganisationseinheit(app, ui);
  registerAntraege(app, ui);
  registerAntrag(app, ui);
  registerStatistik(app, ui);
  registerMails(app, ui);
  registerBarrierefreiheit(app, ui);
  registerImpressum(app, ui);
  registerDatenschutz(app, ui);

  // Refusals become pages: not signed in → the sign-in page (and back); anything else → a page saying why.
  app.onError(async (err, c) => {
    const problem = err instanceof HttpProblem ? err : undefined;
    if (problem?.status === 401)
      return c.redirect(`/anmelden?weiter=${encodeURIComponent(c.req.method === 'GET' ? c.req.path : '/')}`, 303);
    if (!problem) deps.log.error({ requestId: c.get('requestId'), err }, 'unhandled error in the web UI');
    const status = problem?.status ?? 500;
    const title = status === 404 ? 'Nicht gefunden' : (problem?.title ?? 'Interner Fehler');
    const detail =
      status === 404
        ? 'Diese Seite gibt es nicht, oder Sie dürfen sie nicht sehen.'
        : status === 403 && problem?.title === 'Keine Berechtigung'
          ? 'Diese Seite ist für Ihre Rolle nicht freigegeben.'
          : (problem?.detail ?? 'Ein unerwarteter Fehler ist aufgetreten.');
    if (!c.get('csrf')) c.set('csrf', '');
    return render(
      ui,
      c,
      title,
      () => (
        <>
          <p>{detail}</p>
          <p class="hint">Vorgangskennung für Rückfragen: {c.get('requestId')}</p>
          <p>
            <a href="/">Zur Startseite</a>
          </p>
        </>
      ),
      status as 400,
    );
  });
  return app;
}
