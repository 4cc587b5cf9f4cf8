// Erklärung zur Barrierefreiheit (§ 7 BITV 2.0, Sächsisches Barrierefreie-Websites-Gesetz): how far these pages
// meet WCAG 2.1 AA / EN 301 549, what is known not to, and how to report a barrier. Public, no sign-in.
import type { Hono } from 'hono';
import { BETREIBER } from '../betreiber';
import { render, type Ui } from '../context';
import type { UiEnv } from '../session';

export function registerBarrierefreiheit(app: Hono<UiEnv>, ui: Ui) {
  app.get('/barrierefreiheit', (c) =>
    render(ui, c, 'Erklärung zur Barrierefreiheit', () => (
      <>
        <p class="lead">
          Der {BETREIBER.name} ist bemüht, diesen Dienst barrierefrei zugänglich zu machen. Diese Erklärung gilt für die
          Seiten der Amt24-Orchestrierung: die Statusseite Ihres Antrags, die Anmeldung und die Seiten für Beschäftigte.
        </p>
        <section aria-labelledby="stand-h">
          <h2 id="stand-h">Stand der Vereinbarkeit</h2>
          <p>
            Die Seiten sind mit der Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) und der Norm EN 301 549
            (WCAG 2.1, Stufe AA) <strong>teilweise vereinbar</strong>; die unten genannten Inhalte sind nicht
            barrierefrei.
          </p>
          <p>
            Grundlage ist eine Selbstbewertung: Jede Seite wird bei jeder Änderung automatisch mit axe-core gegen die
            Erfolgskriterien der WCAG 2.1 A und AA geprüft; Tastaturbedienung, Fokus und Beschriftungen werden in
            automatischen Browsertests nachvollzogen. Eine Prüfung durch eine unabhängige Prüfstelle steht aus. Erstellt
            am 3. Dezember 2026.
          </p>
        </section>
        <section aria-labelledby="nicht-h">
          <h2 id="nicht-h">Nicht barrierefreie Inhalte</h2>
          <ul>
            <li>
              Die Bezahlseite von ePayBL und die Temporal Web UI, auf die einzelne Seiten verlinken, werden von anderen
              Stellen betrieben; für sie gelten deren Erklärungen.
            </li>
            <li>
              Bescheide und Anlagen, die Behörden oder Antragstellende als PDF hochladen, prüft dieser Dienst nicht auf
              Barrierefreiheit. Das PDF Ihres Antrags ist ein getaggtes PDF/A mit Überschriften.
            </li>
          </ul>
        </section>
        <section aria-labelledby="feedback-h">
          <h2 id="feedback-h">Barrieren melden: Feedback und Kontakt</h2>
          <p>
            Ist Ihnen eine Barriere aufgefallen, oder brauchen Sie Informationen dieses Dienstes in einer anderen Form?
            Schreiben Sie uns:{' '}
            <a href={`mailto:${BETREIBER.barrierefreiheitEmail}`}>{BETREIBER.barrierefreiheitEmail}</a> oder per Post an{' '}
            {BETREIBER.name}, {BETREIBER.strasse}, {BETREIBER.ort}. Wir antworten innerhalb von zwei Wochen.
          </p>
        </section>
        <section aria-labelledby="durchsetzung-h">
          <h2 id="durchsetzung-h">Durchsetzungsverfahren</h2>
          <p>
            Haben Sie auf Ihre Meldung innerhalb von sechs Wochen keine zufriedenstellende Antwort erhalten, können Sie
            sich an die Durchsetzungsstelle beim Beauftragten der Sächsischen Staatsregierung für die Belange von
            Menschen mit Behinderungen wenden. Das Verfahren ist kostenfrei.
          </p>
        </section>
      </>
    )),
  );
}
