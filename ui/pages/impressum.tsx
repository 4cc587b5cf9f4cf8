// Impressum (§ 5 DDG, § 18 MStV): who provides this service. Public, no sign-in.
import type { Hono } from 'hono';
import { BETREIBER } from '../betreiber';
import { render, type Ui } from '../context';
import type { UiEnv } from '../session';

export function registerImpressum(app: Hono<UiEnv>, ui: Ui) {
  app.get('/impressum', (c) =>
    render(ui, c, 'Impressum', () => (
      <>
        <section aria-labelledby="anbieter-h">
          <h2 id="anbieter-h">Anbieter</h2>
          <address>
            {BETREIBER.name}
            <br />
            {BETREIBER.strasse}
            <br />
            {BETREIBER.ort}
            <br />
            E-Mail: <a href={`mailto:${BETREIBER.email}`}>{BETREIBER.email}</a>
          </address>
          <p>
            Der SID ist ein {BETREIBER.traeger}. Er wird vertreten durch seine Leitung. Aufsichtsbehörde:{' '}
            {BETREIBER.aufsicht}.
          </p>
        </section>
        <section aria-labelledby="dienst-h">
          <h2 id="dienst-h">Dieser Dienst</h2>
          <p>
            Die Orchestrierung ist Teil des Amt24-Serviceportals Sachsen. Sie führt die Onlinedienste von der ersten
            Klärung bis zur Abschaltung und die Anträge der Bürgerinnen und Bürger vom Eingang bis zum Bescheid. Für den
            Inhalt eines Antrags und seine Bearbeitung ist die jeweils zuständige Stelle verantwortlich, die in der
            Eingangsbestätigung und auf der Statusseite des Antrags genannt ist.
          </p>
        </section>
        <section aria-labelledby="haftung-h">
          <h2 id="haftung-h">Haftung für Links</h2>
          <p>
            Diese Seiten verweisen auf Angebote anderer Stellen, etwa die Bezahlseite von ePayBL. Für deren Inhalte sind
            die jeweiligen Anbieter verantwortlich.
          </p>
        </section>
      </>
    )),
  );
}
