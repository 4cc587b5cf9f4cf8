// The start page: what this person can do here; the citizen's way to the status of an Antrag.
import type { Hono } from 'hono';
import { render, type Ui } from '../context';
import { navFor } from '../layout';
import type { UiEnv } from '../session';

const WHAT: Record<string, string> = {
  '/aufgaben': 'Was auf Sie wartet, warum, seit wann und bis wann – und direkt erledigen.',
  '/betrieb':
    'Alle Onlinedienste nach Phase, Rollout-Tickets mit SLA, die laufende Release-Kampagne, gestörte Fachverfahren.',
  '/onlinedienste': 'Die Onlinedienste, die Sie sehen dürfen, mit Lebenslauf, Aktivierungen und Audit-Log.',
  '/antraege': 'Anträge Ihres Mandanten: Stand, Zustellung, Bearbeitung und Bescheid.',
  '/mandanten':
    'Impressum, Datenschutz, Behördenkonten, Organisationseinheiten und Zuständigkeiten – was die Gate-Prüfung verlangt.',
  '/statistik': 'Anträge je Leistung, Mandant und Monat; Durchlaufzeiten je Phase – als Diagramm, Tabelle und CSV.',
  '/entwicklung/mails': 'Alle Mails, die der lokale Mailserver in der Entwicklung empfangen hat.',
};

export function registerStart(app: Hono<UiEnv>, ui: Ui) {
  app.get('/', (c) =>
    render(ui, c, 'Amt24 Orchestrierung', (frame) => (
      <>
        <p class="lead">
          Onlinedienste und Anträge des Amt24-Serviceportals Sachsen – von der ersten Klärung bis zum Bescheid.
        </p>
        {frame.user ? (
          <section aria-labelledby="bereiche">
            <h2 id="bereiche">Ihre Bereiche</h2>
            <ul>
              {navFor(frame).map((n) => (
                <li>
                  <a href={n.href}>{n.label}</a>: {WHAT[n.href]}
                </li>
              ))}
            </ul>
            {navFor(frame).length === 0 ? (
              <p>Für Ihre Rolle gibt es hier keine eigenen Seiten. Den Stand Ihres Antrags sehen Sie unten.</p>
            ) : null}
          </section>
        ) : (
          <p>
            <a class="button" href="/anmelden">
              Anmelden
            </a>
          </p>
        )}
        <section aria-labelledby="status-h" id="status">
          <h2 id="status-h">Stand Ihres Antrags</h2>
          <form class="stack" method="get" action="/status">
            <div>
              <label for="status-token">Token aus Ihrer Eingangsbestätigung</label>
              <input
                id="status-token"
                name="token"
                type="text"
                autocomplete="off"
                required
                aria-describedby="status-hinweis"
              />
              <span class="hint" id="status-hinweis">
                Der Link in Ihrer Eingangsbestätigung führt direkt zum Stand; das Token ist sein letzter Teil.
              </span>
            </div>
            <div>
              <button type="submit">Stand anzeigen</button>
            </div>
          </form>
        </section>
      </>
    )),
  );
}
