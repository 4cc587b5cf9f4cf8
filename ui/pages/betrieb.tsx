// The AWB board: every Onlinedienst by phase, rollout tickets with their SLA clock, the current release campaign,
// the Fachverfahren endpoints that are down with the number of Anträge waiting on them, and the Störungen Anträge
// wait on (with a bulk retry once fixed). No Antrag contents.
import type { Hono } from 'hono';
import { requireRole } from '../../api/auth';
import { workflowUiUrl } from '../../api/deps';
import type { z } from 'zod';
import type { endpunktListSchema } from '../../api/schemas/betrieb';
import type { lifecycleListSchema } from '../../api/schemas/onlinedienst';
import type { Campaign, releaseListSchema } from '../../api/schemas/release';
import type { rolloutTicketListSchema } from '../../api/schemas/rollout';
import type { stoerungListSchema } from '../../api/schemas/stoerung';
import { CLASSIFICATION_LABELS } from '../../domain/release/campaign';
import { ROLLOUT_STATUS_LABELS } from '../../domain/rollout/ticket';
import { Pipeline } from '../components/pipeline';
import { Stoerungen } from '../components/stoerungen';
import { ErinnernButton } from './release-erinnerung';
import { refusal } from '../api-client';
import { render, type Ui } from '../context';
import { formatDateTime, formatDuration, isoOf, SLA_LABELS } from '../format';
import { Badge, TemporalLink } from '../layout';
import type { UiEnv } from '../session';

const KATEGORIE_BADGE: Record<string, 'ok' | 'bad' | 'warning' | 'breached' | 'neutral'> = {
  'checked-ok': 'ok',
  'failed-with-finding': 'bad',
  recertifying: 'warning',
  late: 'breached',
  'not-started': 'neutral',
};

export function slaKind(state: string) {
  return state === 'ok' ? 'ok' : state === 'warning' ? 'warning' : state === 'breached' ? 'breached' : 'paused';
}

export function slaBadge(state: string) {
  return <Badge kind={slaKind(state)}>{SLA_LABELS[state] ?? state}</Badge>;
}

export function registerBetrieb(app: Hono<UiEnv>, ui: Ui) {
  app.get('/betrieb', requireRole('awb', 'projektleitung'), async (c) => {
    const [lifecycles, tickets, endpunkte, releases, stoerungen] = await Promise.all([
      ui.api.get<z.infer<typeof lifecycleListSchema>>(c, '/api/onlinedienste'),
      ui.api.get<z.infer<typeof rolloutTicketListSchema>>(c, '/api/rollout-tickets'),
      ui.api.get<z.infer<typeof endpunktListSchema>>(c, '/api/endpunkte'),
      ui.api.get<z.infer<typeof releaseListSchema>>(c, '/api/releases'),
      ui.api.get<z.infer<typeof stoerungListSchema>>(c, '/api/stoerungen'),
    ]);
    const current = releases.items.find((r) => r.status !== 'abgeschlossen') ?? releases.items[0];
    const campaign = current
      ? await ui.api.get<Campaign>(c, `/api/releases/${encodeURIComponent(current.version)}`)
      : undefined;
    const down = endpunkte.items.filter((e) => !e.erreichbar);
    const open = tickets.items.filter((t) => t.status !== 'confirmed');

    return render(ui, c, 'Betrieb (AWB)', (frame) => (
      <>
        <ul class="kpis" aria-label="Kennzahlen">
          <li>
            <strong>{lifecycles.items.filter((i) => !i.endedAt).length}</strong> Onlinedienste im Lebenszyklus
          </li>
          <li>
            <strong>{open.length}</strong> offene Rollout-Tickets
          </li>
          <li>
            <strong>{open.filter((t) => t.slaState === 'breached').length}</strong> Tickets mit verletzter SLA
          </li>
          <li>
            <strong>{down.length}</strong> Fachverfahren nicht erreichbar
          </li>
          <li>
            <strong>{stoerungen.items.reduce((n, s) => n + s.anzahlAntraege, 0)}</strong> Anträge warten auf eine
            Störung
          </li>
        </ul>

        <section aria-labelledby="stoerungen-h">
          <h2 id="stoerungen-h">Störungen</h2>
          {c.req.query('ok') === 'wiederholen' ? (
            <p role="status">Die Anträge werden wiederholt; der Fortschritt steht in der Temporal Web UI.</p>
          ) : null}
          <Stoerungen items={stoerungen.items} frame={frame} canRetry={frame.user?.roles.includes('awb') ?? false} />
        </section>

        <section aria-labelledby="pipeline-h">
          <h2 id="pipeline-h">Onlinedienste nach Phase</h2>
          <Pipeline items={lifecycles.items} />
        </section>

        <section aria-labelledby="tickets-h">
          <h2 id="tickets-h">Rollout-Tickets</h2>
          {tickets.items.length === 0 ? (
            <p>Keine Tickets.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Ticket</th>
                  <th scope="col">Onlinedienst</th>
                  <th scope="col">Status</th>
                  <th scope="col">SLA</th>
                  <th scope="col">Verbraucht</th>
                  <th scope="col">Verletzt ab</th>
                  <th scope="col">Workflow</th>
                </tr>
              </thead>
              <tbody>
                {tickets.items.map((t) => (
                  <tr>
                    <td>
                      {t.ticketId}
                      <span class="hint">
                        beantragt {formatDateTime(t.requestedAt)} von {t.requestedBy}
                      </span>
                    </td>
                    <td>
                      <a href={`/onlinedienste/${encodeURIComponent(t.onlinedienstId)}`}>{t.onlinedienstId}</a>
                      <span class="hint">
                        {t.prozess.name} {t.prozess.version} · Mandant {t.mandantId}
                      </span>
                    </td>
                    <td>
                      {ROLLOUT_STATUS_LABELS[t.status] ?? t.status}
                      {t.assignee ? <span class="hint">bei {t.assignee}</span> : null}
                    </td>
                    <td>{slaBadge(t.slaState)}</td>
                    <td class="num">{formatDuration(t.slaElapsedMs)}</td>
                    <td>
                      {t.slaBreachAt ? (
                        <time datetime={isoOf(t.slaBreachAt)}>{formatDateTime(t.slaBreachAt)}</time>
                      ) : (
                        '–'
                      )}
                    </td>
                    <td>
                      <TemporalLink url={workflowUiUrl(ui.deps, t.workflowId)} label="Temporal" />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        <section aria-labelledby="release-h">
          <h2 id="release-h">
            {campaign
              ? `Release-Kampagne ${campaign.release.version} (${campaign.release.releaseDate})`
              : 'Release-Kampagne'}
          </h2>
          {!campaign ? (
            <p>Keine Release-Kampagne.</p>
          ) : (
            <>
              <ul class="kpis" aria-label="Stand der Kampagne">
                <li>
                  <strong>{campaign.summary.checkedOk}</strong> geprüft, in Ordnung
                </li>
                <li>
                  <strong>{campaign.summary.failedWithFinding}</strong> mit Befund
                </li>
                <li>
                  <strong>{campaign.summary.recertifying}</strong> in Rezertifizierung
                </li>
                <li>
                  <strong>{campaign.summary.late}</strong> überfällig
                </li>
                <li>
                  <strong>{campaign.summary.notStarted}</strong> noch nicht geprüft
                </li>
              </ul>
              <p>
                <a href={`/betrieb/releases/${encodeURIComponent(campaign.release.version)}/pruefungen.csv`}>
                  Prüfungen als CSV herunterladen
                </a>
                {' · '}
                <TemporalLink url={campaign.temporalUiUrl} label="Kampagne in der Temporal Web UI" />
              </p>
              <ErinnernButton campaign={campaign} frame={frame} />
              <table>
                <thead>
                  <tr>
                    <th scope="col">Onlinedienst</th>
                    <th scope="col">Prozesseigner</th>
                    <th scope="col">Einstufung</th>
                    <th scope="col">Fällig</th>
                    <th scope="col">Stand</th>
                    <th scope="col">Befund</th>
                  </tr>
                </thead>
                <tbody>
                  {campaign.items.map((t) => (
                    <tr>
                      <td>
                        <a href={`/onlinedienste/${encodeURIComponent(t.onlinedienstId)}`}>{t.name}</a>
                      </td>
                      <td>{t.prozesseigner ?? '–'}</td>
                      <td>{CLASSIFICATION_LABELS[t.classification]}</td>
                      <td>
                        <time datetime={isoOf(t.dueAt)}>{formatDateTime(t.dueAt)}</time>
                      </td>
                      <td>
                        <Badge kind={KATEGORIE_BADGE[t.kategorie] ?? 'neutral'}>{t.kategorieText}</Badge>
                      </td>
                      <td>{t.finding ?? '–'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </section>

        <section aria-labelledby="endpunkte-h">
          <h2 id="endpunkte-h">Nicht erreichbare Fachverfahren</h2>
          {down.length === 0 ? (
            <p>Alle {endpunkte.items.length} bekannten Endpunkte sind erreichbar.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Endpunkt</th>
                  <th scope="col">Gestört seit</th>
                  <th scope="col">Letzter Fehler</th>
                  <th scope="col" class="num">
                    Wartende Anträge
                  </th>
                </tr>
              </thead>
              <tbody>
                {down.map((e) => (
                  <tr>
                    <td>{e.endpunkt}</td>
                    <td>
                      <time datetime={isoOf(e.down_since)}>{formatDateTime(e.down_since)}</time>
                    </td>
                    <td>{e.last_error ?? '–'}</td>
                    <td class="num">{e.wartend}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </>
    ));
  });

  app.post('/betrieb/stoerungen/:id/wiederholen', requireRole('awb'), async (c) => {
    const res = await ui.api.call(
      c,
      'POST',
      `/api/stoerungen/${encodeURIComponent(c.req.param('id'))}/wiederholen`,
      {},
    );
    if (res.status >= 400) throw refusal(res);
    return c.redirect('/betrieb?ok=wiederholen', 303);
  });

  app.get('/betrieb/releases/:version/pruefungen.csv', requireRole('awb', 'projektleitung'), async (c) => {
    const res = await ui.api.getText(c, `/api/releases/${encodeURIComponent(c.req.param('version'))}/pruefungen.csv`);
    return new Response(res.body, { status: res.status, headers: res.headers });
  });
}
