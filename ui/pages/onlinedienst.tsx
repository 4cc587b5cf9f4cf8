// One Onlinedienst's page: its life as an SVG timeline (phases with dates), open tasks, activations with
// Prozessparameter (protected values masked), audit log — from the API's live view and lists.
import type { Hono } from 'hono';
import { currentUser, requireRole, type Role } from '../../api/auth';
import type { z } from 'zod';
import { LIFECYCLE_READERS } from '../../api/lifecycle-api';
import type { aktivierungListSchema } from '../../api/schemas/aktivierung';
import type { auditListSchema, LifecycleDetail } from '../../api/schemas/onlinedienst';
import { workflowUiUrl } from '../../api/deps';
import { EVENT_ROLES, EVENT_TYPES } from '../../domain/onlinedienst/events';
import { refusal, type Problem } from '../api-client';
import { Aktivierungen } from '../components/aktivierungen';
import { GateBefunde } from '../components/gate-befunde';
import { PhaseTimeline, type Stay } from '../components/timeline';
import { render, type Ui } from '../context';
import { formatDateTime, formatDuration, isoOf, phaseLabel, roleLabel } from '../format';
import { Badge, Notice, TemporalLink } from '../layout';
import type { UiEnv } from '../session';
import { EVENT_TITLES } from './ereignis';

const GATE_ROLES: Role[] = ['prozesseigner', 'mandant-admin', 'projektleitung', 'awb'];

const OK: Record<string, string> = {
  ereignis: 'Gemeldet: die Aufgabe dazu ist geöffnet.',
  abschaltung: 'Die Abschaltung hat begonnen.',
  bestanden: 'Die Gate-Prüfung ist bestanden; die Phase geht weiter.',
  gehalten: 'Die Gate-Prüfung ist noch nicht bestanden: die Befunde stehen unten.',
};

const KIND: Record<string, string> = {
  start: 'Start',
  advance: 'weiter',
  loop: 'Schleife zurück',
  recertification: 'Rezertifizierung',
  shutdown: 'Abschaltung',
  abort: 'Abbruch',
  end: 'Ende',
};

/** Audit details as short "key: value" lines (values were already stripped of anything protected by their writers). */
function details(d: Record<string, unknown>): string {
  return Object.entries(d)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ')
    .slice(0, 240);
}

function staysOf(view: LifecycleDetail): Stay[] {
  const end = view.endedAt ?? view.now;
  return view.history.map((h, i) => {
    const next = view.history[i + 1];
    return { label: phaseLabel(h.to), from: h.at, to: next ? next.at : end, current: !next && !view.ended };
  });
}

export function registerOnlinedienst(app: Hono<UiEnv>, ui: Ui) {
  app.get('/onlinedienste/:id', requireRole(...LIFECYCLE_READERS), async (c) => {
    const id = encodeURIComponent(c.req.param('id'));
    const view = await ui.api.get<LifecycleDetail>(c, `/api/onlinedienste/${id}`);
    const [aktivierungen, audit] = await Promise.all([
      ui.api.get<z.infer<typeof aktivierungListSchema>>(c, `/api/onlinedienste/${id}/aktivierungen`),
      ui.api.call<z.infer<typeof auditListSchema>>(c, 'GET', `/api/onlinedienste/${id}/audit`),
    ]);
    const stays = staysOf(view);
    // Newest first; the whole trail on request (it grows for years).
    const alle = c.req.query('audit') === 'alle';
    const auditItems = audit.status === 200 ? [...audit.body.items].reverse() : [];
    const auditRows = alle ? auditItems : auditItems.slice(0, 12);
    const user = currentUser(c);
    const may = (roles: readonly Role[]) => user.roles.some((r) => roles.includes(r));
    const ok = OK[c.req.query('ok') ?? ''];
    return render(ui, c, view.name, (frame) => (
      <>
        {ok ? <Notice ok text={ok} /> : null}
        <p class="lead">
          Phase <strong>{phaseLabel(view.phase)}</strong>
          {view.recertification ? ' (Rezertifizierung)' : ''}
          {view.ended ? ` – beendet am ${formatDateTime(view.endedAt)}` : ''}
          {' · '}Träger {view.mandantId} · Prozesseigner {view.prozesseigner}
        </p>
        <p>
          <TemporalLink
            url={view.temporalUiUrl ?? workflowUiUrl(ui.deps, `onlinedienst-${view.onlinedienstId}`)}
            label="Lebenszyklus-Workflow in der Temporal Web UI"
          />
        </p>

        <section aria-labelledby="leben-h">
          <h2 id="leben-h">Lebenslauf</h2>
          <div class="figure">
            <PhaseTimeline
              title={`Lebenslauf von ${view.name}`}
              desc={`${stays.length} Abschnitte von ${formatDateTime(stays[0]?.from)} bis heute; aktuell ${phaseLabel(view.phase)}. Die Tabelle darunter enthält dieselben Daten.`}
              stays={stays}
            />
          </div>
          <table>
            <caption>Phasenwechsel</caption>
            <thead>
              <tr>
                <th scope="col">Zeit</th>
                <th scope="col">Phase</th>
                <th scope="col">Art</th>
                <th scope="col">Dauer</th>
                <th scope="col">Grund</th>
                <th scope="col">Durch</th>
              </tr>
            </thead>
            <tbody>
              {view.history.map((h, i) => (
                <tr>
                  <td>
                    <time datetime={isoOf(h.at)}>{formatDateTime(h.at)}</time>
                  </td>
                  <td>
                    {h.from ? `${phaseLabel(h.from)} → ` : ''}
                    {phaseLabel(h.to)}
                  </td>
                  <td>{KIND[h.kind] ?? h.kind}</td>
                  <td>{formatDuration(stays[i]!.to - stays[i]!.from)}</td>
                  <td>{h.reason}</td>
                  <td>{h.actor}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <section aria-labelledby="offen-h">
          <h2 id="offen-h">Offene Aufgaben</h2>
          {view.openTasks.length === 0 ? (
            <p>Keine.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Aufgabe</th>
                  <th scope="col">Rolle</th>
                  <th scope="col">Seit</th>
                  <th scope="col">Fällig</th>
                </tr>
              </thead>
              <tbody>
                {view.openTasks.map((t) => (
                  <tr>
                    <td>
                      <a href={`/onlinedienste/${id}/aufgaben/${encodeURIComponent(t.id)}`}>{t.title}</a>
                      {t.mandant ? ` (Mandant ${t.mandant})` : ''}
                    </td>
                    <td>{roleLabel(t.role)}</td>
                    <td>{formatDateTime(t.openedAt)}</td>
                    <td>
                      {formatDateTime(t.dueAt)}
                      {t.overdue ? (
                        <>
                          {' '}
                          <Badge kind="breached">überfällig</Badge>
                        </>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {view.rollout.tickets.length > 0 ? (
            <p>
              Rollout-Tickets:{' '}
              {view.rollout.tickets.map((t) => (
                <>
                  {t.ticketId} ({t.status}){' '}
                  <TemporalLink url={workflowUiUrl(ui.deps, t.workflowId)} label="Temporal" />{' '}
                </>
              ))}
            </p>
          ) : null}
        </section>

        <GateBefunde view={view} frame={frame} canRetry={may(GATE_ROLES)} />

        <Aktivierungen items={aktivierungen.items} onlinedienstId={view.onlinedienstId} />

        {view.phase === 'betrieb' && !view.ended ? (
          <section aria-labelledby="betrieb-h">
            <h2 id="betrieb-h">Im Betrieb</h2>
            <ul>
              {EVENT_TYPES.filter((t) => may(EVENT_ROLES[t])).map((t) => (
                <li>
                  <a href={`/onlinedienste/${id}/ereignisse/${t}`}>{EVENT_TITLES[t]}</a>
                </li>
              ))}
              {may(['prozesseigner']) ? (
                <li>
                  <a href={`/onlinedienste/${id}/abschaltung`}>Abschaltung entscheiden</a>
                </li>
              ) : null}
            </ul>
          </section>
        ) : null}

        <section aria-labelledby="audit-h">
          <h2 id="audit-h">Audit-Log</h2>
          {audit.status === 200 && auditRows.length < auditItems.length ? (
            <p>
              Die neuesten {auditRows.length} von {auditItems.length} Einträgen.{' '}
              <a href={`/onlinedienste/${id}?audit=alle#audit-h`}>Alle Einträge anzeigen</a>
            </p>
          ) : null}
          {audit.status !== 200 ? (
            <p>Das Audit-Log sehen Prozesseigner, Anwendungsbetreuung und Projektleitung.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Zeit</th>
                  <th scope="col">Wer</th>
                  <th scope="col">Was</th>
                  <th scope="col">Mandant</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {auditRows.map((a) => (
                  <tr>
                    <td>
                      <time datetime={isoOf(a.at)}>{formatDateTime(a.at)}</time>
                    </td>
                    <td>{a.actor}</td>
                    <td>{a.action}</td>
                    <td>{a.mandant_id ?? '–'}</td>
                    <td class="details">{details(a.details)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </>
    ));
  });

  app.post('/onlinedienste/:id/gate-pruefung', requireRole(...GATE_ROLES), async (c) => {
    const id = encodeURIComponent(c.req.param('id'));
    const res = await ui.api.call<Problem | null>(c, 'POST', `/api/onlinedienste/${id}/gate-pruefung`);
    if (res.status === 200) return c.redirect(`/onlinedienste/${id}?ok=bestanden`, 303);
    if (res.status === 202) return c.redirect(`/onlinedienste/${id}?ok=gehalten#gate`, 303);
    throw refusal(res);
  });
}
