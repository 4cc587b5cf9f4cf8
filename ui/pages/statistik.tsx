// Statistics: Anträge per Leistung, Mandant and month; lifecycle lead time per phase — each as an SVG chart, an
// accessible table and a CSV download (semicolon-separated, UTF-8 with BOM, decimal comma: opens in German Excel).
// The numbers come from the API (GET /api/statistik/antraege, …/durchlaufzeiten), scoped there; the CSV is the page's
// own rendering of those answers, with the page's German labels, so it stays a download of the UI.
import type { Hono } from 'hono';
import type { z } from 'zod';
import { currentUser, requireRole } from '../../api/auth';
import { csvDownload } from '../../api/downloads';
import type { antraegeStatistikSchema, durchlaufzeitenSchema } from '../../api/schemas/statistik';
import { toCsv } from '../../domain/release/campaign';
import { BarChart } from '../components/bar-chart';
import { render, type Ui } from '../context';
import { formatDuration, formatNumber, phaseLabel } from '../format';
import type { UiContext, UiEnv } from '../session';

const ROLES = ['awb', 'projektleitung', 'mandant-admin'] as const;
const DAY = 86_400_000;
const tage = (ms: number) => (ms / DAY).toLocaleString('de-DE', { maximumFractionDigits: 2 });

const csvResponse = (name: string, rows: string[][]) => csvDownload(name, toCsv(rows, { delimiter: ';' }));

export function registerStatistik(app: Hono<UiEnv>, ui: Ui) {
  const antraegeJeLeistungMandantMonat = async (c: UiContext) =>
    (await ui.api.get<z.infer<typeof antraegeStatistikSchema>>(c, '/api/statistik/antraege')).items;
  const durchlaufzeitenJePhase = async (c: UiContext) =>
    (await ui.api.get<z.infer<typeof durchlaufzeitenSchema>>(c, '/api/statistik/durchlaufzeiten')).items;

  app.get('/statistik', requireRole(...ROLES), async (c) => {
    const user = currentUser(c);
    const [antraege, phasen] = await Promise.all([antraegeJeLeistungMandantMonat(c), durchlaufzeitenJePhase(c)]);
    const jeLeistungMandant = new Map<string, number>();
    for (const r of antraege)
      jeLeistungMandant.set(
        `${r.leistung} – ${r.mandant}`,
        (jeLeistungMandant.get(`${r.leistung} – ${r.mandant}`) ?? 0) + r.anzahl,
      );
    const bars = [...jeLeistungMandant].map(([label, value]) => ({ label, value }));
    const total = antraege.reduce((s, r) => s + r.anzahl, 0);
    // The chart's unit follows the data: days in production, seconds in a test run.
    const longest = Math.max(0, ...phasen.map((p) => p.mittelMs));
    const unit =
      longest >= DAY
        ? { ms: DAY, name: 'Tagen' }
        : longest >= 3_600_000
          ? { ms: 3_600_000, name: 'Stunden' }
          : longest >= 60_000
            ? { ms: 60_000, name: 'Minuten' }
            : { ms: 1000, name: 'Sekunden' };
    return render(ui, c, 'Statistik', () => (
      <>
        <p class="lead">
          {user.mandanten.includes('*') ? 'Alle Mandanten.' : `Nur Ihr Mandant: ${user.mandanten.join(', ')}.`}{' '}
          Testanträge sind nicht mitgezählt.
        </p>
        <section aria-labelledby="antraege-h">
          <h2 id="antraege-h">Anträge je Leistung, Mandant und Monat</h2>
          <p>
            {formatNumber(total)} Anträge insgesamt. <a href="/statistik/antraege.csv">Als CSV herunterladen</a>
          </p>
          {bars.length > 0 ? (
            <div class="figure">
              <BarChart
                title="Anträge je Leistung und Mandant"
                desc={`Balkendiagramm mit ${bars.length} Balken; die Zahlen stehen in der Tabelle darunter.`}
                bars={bars}
              />
            </div>
          ) : null}
          <table id="tabelle-antraege">
            <caption>Anträge je Leistung, Mandant und Monat</caption>
            <thead>
              <tr>
                <th scope="col">Monat</th>
                <th scope="col">Leistung</th>
                <th scope="col">Mandant</th>
                <th scope="col" class="num">
                  Anträge
                </th>
              </tr>
            </thead>
            <tbody>
              {antraege.map((r) => (
                <tr>
                  <td>{r.monat}</td>
                  <td>{r.leistung}</td>
                  <td>{r.mandant}</td>
                  <td class="num">{formatNumber(r.anzahl)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section aria-labelledby="phasen-h">
          <h2 id="phasen-h">Durchlaufzeit je Phase</h2>
          <p>
            Abgeschlossene Aufenthalte in einer Phase des Lebenszyklus; eine über eine Schleife erneut betretene Phase
            zählt neu. <a href="/statistik/durchlaufzeiten.csv">Als CSV herunterladen</a>
          </p>
          {phasen.length > 0 ? (
            <div class="figure">
              <BarChart
                title={`Mittlere Durchlaufzeit je Phase in ${unit.name}`}
                desc={`Balkendiagramm mit ${phasen.length} Phasen; die Zahlen stehen in der Tabelle darunter.`}
                bars={phasen.map((p) => ({
                  label: phaseLabel(p.phase),
                  value: Math.round((p.mittelMs / unit.ms) * 100) / 100,
                }))}
                unit={` ${unit.name}`}
              />
            </div>
          ) : (
            <p>Noch keine abgeschlossene Phase.</p>
          )}
          <table id="tabelle-phasen">
            <caption>Durchlaufzeit je Phase</caption>
            <thead>
              <tr>
                <th scope="col">Phase</th>
                <th scope="col" class="num">
                  Aufenthalte
                </th>
                <th scope="col" class="num">
                  Mittel
                </th>
                <th scope="col" class="num">
                  Median
                </th>
                <th scope="col" class="num">
                  Längster
                </th>
              </tr>
            </thead>
            <tbody>
              {phasen.map((p) => (
                <tr>
                  <td>{phaseLabel(p.phase)}</td>
                  <td class="num">{p.anzahl}</td>
                  <td class="num">{formatDuration(p.mittelMs)}</td>
                  <td class="num">{formatDuration(p.medianMs)}</td>
                  <td class="num">{formatDuration(p.maxMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </>
    ));
  });

  app.get('/statistik/antraege.csv', requireRole(...ROLES), async (c) => {
    const rows = await antraegeJeLeistungMandantMonat(c);
    return csvResponse('antraege-je-leistung-mandant-monat.csv', [
      ['Monat', 'Leistungsschlüssel', 'Leistung', 'Mandant-ID', 'Mandant', 'Anträge'],
      ...rows.map((r) => [r.monat, r.leistungId, r.leistung, r.mandantId, r.mandant, String(r.anzahl)]),
    ]);
  });

  app.get('/statistik/durchlaufzeiten.csv', requireRole(...ROLES), async (c) => {
    const rows = await durchlaufzeitenJePhase(c);
    return csvResponse('durchlaufzeiten-je-phase.csv', [
      ['Phase', 'Aufenthalte', 'Mittel (Tage)', 'Median (Tage)', 'Längster (Tage)'],
      ...rows.map((r) => [phaseLabel(r.phase), String(r.anzahl), tage(r.mittelMs), tage(r.medianMs), tage(r.maxMs)]),
    ]);
  });
}
