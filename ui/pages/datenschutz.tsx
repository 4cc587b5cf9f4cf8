// Datenschutzerklärung (Art. 13 DSGVO) for this service: what it stores about an Antrag, why, for whom and how long
// (the periods are the Prozessparameter defaults of activities/antrag/konfiguration.ts). Public, no sign-in.
import type { Hono } from 'hono';
import { BETREIBER } from '../betreiber';
import { render, type Ui } from '../context';
import type { UiEnv } from '../session';

const SPEICHERUNG: { was: string; wozu: string; wie_lange: string }[] = [
  {
    was: 'Ihre Angaben im Antrag, Name und E-Mail-Adresse, Anlagen, das PDF des Antrags',
    wozu: 'Zustellung an die zuständige Stelle, Bearbeitung, Nachweis dessen, was eingereicht wurde',
    wie_lange:
      'bis die Aufbewahrungsfrist nach dem Abschluss des Antrags endet (üblich 365 Tage; die zuständige Stelle kann eine andere Frist festlegen), dann gelöscht',
  },
  {
    was: 'Nachforderungen der Behörde, Ihre Antworten, der Bescheid',
    wozu: 'Bearbeitung und Bekanntgabe des Bescheids',
    wie_lange: 'wie die Angaben im Antrag',
  },
  {
    was: 'Kopie im Transferverzeichnis der Behörde (PDF, Anlagen, Daten)',
    wozu: 'Übergabe an das Fachverfahren der zuständigen Stelle',
    wie_lange: '90 Tage nach dem Eingang, dann gelöscht',
  },
  {
    was: 'Kassenzeichen, Betrag und Zahlungsstand (ePayBL)',
    wozu: 'Gebührenzahlung, Erstattung',
    wie_lange: 'ohne Bezug zu Ihren Angaben im Antrag, solange das Haushaltsrecht es verlangt',
  },
  {
    was: 'Protokoll der Schritte: Vorgangsnummer, Zeitpunkte, Prüfsummen der Dokumente, Stand',
    wozu: 'Nachweis, dass der Antrag vollständig und unverändert zugestellt wurde',
    wie_lange: 'ohne personenbezogene Angaben aus dem Antrag; bleibt nach der Löschung erhalten',
  },
  {
    was: 'Technische Protokolle der Aufrufe: Zeitpunkt, aufgerufene Seite, Ergebnis, Dauer',
    wozu: 'Betrieb und Sicherheit des Dienstes',
    wie_lange: `keine IP-Adressen, keine Inhalte, nicht das Token Ihres Statuslinks; gelöscht nach ${BETREIBER.protokollTage} Tagen`,
  },
];

export function registerDatenschutz(app: Hono<UiEnv>, ui: Ui) {
  app.get('/datenschutz', (c) =>
    render(ui, c, 'Datenschutz', () => (
      <>
        <p class="lead">Welche Daten dieser Dienst zu Ihrem Antrag speichert, wozu, wer sie erhält und wie lange.</p>
        <section aria-labelledby="verantwortlich-h">
          <h2 id="verantwortlich-h">Verantwortliche</h2>
          <p>
            Verantwortlich für Ihren Antrag und seine Bearbeitung ist die zuständige Stelle (Behörde), die in Ihrer
            Eingangsbestätigung und auf der Statusseite genannt ist; dort erreichen Sie auch ihre Datenschutzbeauftragte
            oder ihren Datenschutzbeauftragten. Den Dienst betreibt in ihrem Auftrag (Art. 28 DSGVO) der{' '}
            {BETREIBER.name}, {BETREIBER.strasse}, {BETREIBER.ort}. Datenschutzbeauftragte des SID:{' '}
            <a href={`mailto:${BETREIBER.datenschutzEmail}`}>{BETREIBER.datenschutzEmail}</a>.
          </p>
        </section>
        <section aria-labelledby="zweck-h">
          <h2 id="zweck-h">Zweck und Rechtsgrundlage</h2>
          <p>
            Wir verarbeiten Ihre Daten, um Ihren Antrag entgegenzunehmen, die Gebühr zu erheben, den Antrag der
            zuständigen Stelle zuzustellen und Ihnen deren Antwort zu übermitteln. Rechtsgrundlage ist Art. 6 Abs. 1
            Buchst. e DSGVO in Verbindung mit dem Fachrecht der beantragten Leistung und dem Sächsischen
            E-Government-Gesetz.
          </p>
        </section>
        <section aria-labelledby="speicher-h">
          <h2 id="speicher-h">Was gespeichert wird und wie lange</h2>
          <table>
            <caption class="visually-hidden">Gespeicherte Daten, Zweck und Speicherdauer</caption>
            <thead>
              <tr>
                <th scope="col">Daten</th>
                <th scope="col">Zweck</th>
                <th scope="col">Speicherdauer</th>
              </tr>
            </thead>
            <tbody>
              {SPEICHERUNG.map((s) => (
                <tr>
                  <th scope="row">{s.was}</th>
                  <td>{s.wozu}</td>
                  <td>{s.wie_lange}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            Die Steuerung der Abläufe (Temporal) speichert keine personenbezogenen Angaben aus Ihrem Antrag, nur
            Vorgangsnummern und Zustände.
          </p>
        </section>
        <section aria-labelledby="empfaenger-h">
          <h2 id="empfaenger-h">Wer Ihre Daten erhält</h2>
          <ul>
            <li>die zuständige Stelle, über ihr Transferverzeichnis oder FIT-Connect;</li>
            <li>
              ePayBL, die Bezahlplattform von Bund und Ländern, nur Kassenzeichen und Betrag, wenn eine Gebühr anfällt;
            </li>
            <li>Ihr E-Mail-Anbieter, für die Eingangsbestätigung und Nachrichten zum Stand.</li>
          </ul>
          <p>Eine Übermittlung in Staaten außerhalb der Europäischen Union findet nicht statt.</p>
        </section>
        <section aria-labelledby="cookies-h">
          <h2 id="cookies-h">Cookies</h2>
          <p>
            Der Dienst setzt nur technisch notwendige Cookies, keine zur Analyse oder Werbung: <code>amt24_csrf</code>{' '}
            schützt Formulare vor Missbrauch und gilt bis zum Schließen des Browsers; <code>amt24_sitzung</code> hält
            die Anmeldung von Beschäftigten für höchstens 12 Stunden. Für die Statusseite Ihres Antrags brauchen Sie
            kein Konto.
          </p>
        </section>
        <section aria-labelledby="rechte-h">
          <h2 id="rechte-h">Ihre Rechte</h2>
          <p>
            Sie haben das Recht auf Auskunft (Art. 15 DSGVO), Berichtigung (Art. 16), Löschung (Art. 17), Einschränkung
            der Verarbeitung (Art. 18) und Widerspruch (Art. 21). Wenden Sie sich dazu an die zuständige Stelle oder an{' '}
            <a href={`mailto:${BETREIBER.datenschutzEmail}`}>{BETREIBER.datenschutzEmail}</a>. Sie können sich außerdem
            bei der Aufsichtsbehörde beschweren: der Sächsischen Datenschutz- und Transparenzbeauftragten,
            Devrientstraße 5, 01067 Dresden.
          </p>
        </section>
      </>
    )),
  );
}
