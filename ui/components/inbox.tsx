// The sections of the inbox (/aufgaben), one per kind of work: lifecycle tasks, rollout tickets whose next step is the
// person's, Anträge for the authority, letters to send by post, refunds. Each shows nothing when nothing waits.
import type { z } from 'zod';
import type { AntragItem } from '../../api/schemas/antrag';
import type { aufgabeListSchema } from '../../api/schemas/aufgabe';
import type { InboxTask, LifecycleDetail } from '../../api/schemas/onlinedienst';
import type { RolloutTicketItem } from '../../api/schemas/rollout';
import { taskTemplate } from '../../domain/onlinedienst/task-catalog';
import { ROLLOUT_STATUS_LABELS } from '../../domain/rollout/ticket';
import { antragStatusLabel, formatDateTime, isoOf, phaseLabel } from '../format';
import { Badge, CsrfField, type Frame } from '../layout';
import { slaKind } from '../pages/betrieb';

/** What the person does next with a rollout ticket, and why it waits on them. */
export interface TicketStep {
  warum: string;
  befehl: 'assign' | 'mark-transferred' | 'answer' | 'confirm';
}

const BEFEHL_TEXT: Record<TicketStep['befehl'], string> = {
  assign: 'Ticket übernehmen',
  'mark-transferred': 'Übernahme melden',
  answer: 'Antwort senden',
  confirm: 'Übernahme bestätigen',
};

export function LifecycleTasks({ tasks, views }: { tasks: InboxTask[]; views: Map<string, LifecycleDetail> }) {
  if (tasks.length === 0) return null;
  return (
    <section aria-labelledby="lc-h">
      <h2 id="lc-h">Aufgaben im Lebenszyklus der Onlinedienste</h2>
      <table>
        <caption class="visually-hidden">Offene Aufgaben, früheste Frist zuerst</caption>
        <thead>
          <tr>
            <th scope="col">Aufgabe</th>
            <th scope="col">Onlinedienst</th>
            <th scope="col">Warum</th>
            <th scope="col">Seit</th>
            <th scope="col">Fällig bis</th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((t) => {
            const live = views.get(t.onlinedienstId)?.openTasks.find((o) => o.id === t.taskId);
            const template = taskTemplate(t.taskId.split(':')[0]!);
            return (
              <tr>
                <td>
                  <a
                    href={`/onlinedienste/${encodeURIComponent(t.onlinedienstId)}/aufgaben/${encodeURIComponent(t.taskId)}`}
                  >
                    {t.title}
                  </a>
                  {t.mandantId ? ` (Mandant ${t.mandantId})` : ''}
                </td>
                <td>
                  <a href={`/onlinedienste/${encodeURIComponent(t.onlinedienstId)}`}>{t.name}</a>
                </td>
                <td>
                  Phase {phaseLabel(t.phase)}
                  {template ? <span class="hint">{template.description}</span> : null}
                  {live?.heldByGate ? (
                    <span class="hint">
                      Wartet auf die Gate-Prüfung:{' '}
                      <a href={`/onlinedienste/${encodeURIComponent(t.onlinedienstId)}#gate`}>
                        Befunde und wo sie behoben werden<span class="visually-hidden"> ({t.name})</span>
                      </a>
                    </span>
                  ) : null}
                </td>
                <td>{live ? <time datetime={isoOf(live.openedAt)}>{formatDateTime(live.openedAt)}</time> : '–'}</td>
                <td>
                  <time datetime={isoOf(t.dueAt)}>{formatDateTime(t.dueAt)}</time>
                  {live?.overdue ? (
                    <>
                      {' '}
                      <Badge kind="breached">überfällig</Badge>
                    </>
                  ) : null}
                  {t.reminders > 0 ? <span class="hint">{t.reminders}× erinnert</span> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

export function RolloutTickets({ frame, mine }: { frame: Frame; mine: { t: RolloutTicketItem; step: TicketStep }[] }) {
  if (mine.length === 0) return null;
  return (
    <section aria-labelledby="tickets-h">
      <h2 id="tickets-h">Rollout-Tickets</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Ticket</th>
            <th scope="col">Warum</th>
            <th scope="col">Seit</th>
            <th scope="col">SLA</th>
            <th scope="col">Aktion</th>
          </tr>
        </thead>
        <tbody>
          {mine.map(({ t, step }) => (
            <tr>
              <td>
                {t.ticketId}
                <span class="hint">
                  {t.onlinedienstId} · {t.prozess.name} {t.prozess.version} ·{' '}
                  {ROLLOUT_STATUS_LABELS[t.status] ?? t.status}
                </span>
              </td>
              <td>{step.warum}</td>
              <td>
                <time datetime={isoOf(t.requestedAt)}>{formatDateTime(t.requestedAt)}</time>
              </td>
              <td>
                <Badge kind={slaKind(t.slaState)}>{t.slaState}</Badge>
                {t.slaBreachAt ? <span class="hint">verletzt ab {formatDateTime(t.slaBreachAt)}</span> : null}
              </td>
              <td>
                <form class="stack" method="post" action={`/rollout/${encodeURIComponent(t.workflowId)}/befehl`}>
                  <CsrfField frame={frame} />
                  <input type="hidden" name="type" value={step.befehl} />
                  {step.befehl === 'mark-transferred' ? (
                    <div>
                      <label for={`pv-${t.workflowId}`}>Produktiv-Version</label>
                      <input
                        id={`pv-${t.workflowId}`}
                        name="produktivVersion"
                        type="text"
                        required
                        value={t.prozess.version}
                      />
                    </div>
                  ) : null}
                  {step.befehl === 'answer' ? (
                    <div>
                      <label for={`an-${t.workflowId}`}>Antwort an die AWB</label>
                      <textarea id={`an-${t.workflowId}`} name="answer" required></textarea>
                    </div>
                  ) : null}
                  <div>
                    <button type="submit">{BEFEHL_TEXT[step.befehl]}</button>
                  </div>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function AntraegeZurBearbeitung({ wartend }: { wartend: AntragItem[] }) {
  if (wartend.length === 0) return null;
  return (
    <section aria-labelledby="antraege-h">
      <h2 id="antraege-h">Anträge zur Bearbeitung</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Vorgang</th>
            <th scope="col">Warum</th>
            <th scope="col">Eingegangen</th>
            <th scope="col">Fällig bis</th>
          </tr>
        </thead>
        <tbody>
          {wartend.map((a) => (
            <tr>
              <td>
                <a href={`/antraege/${encodeURIComponent(a.vorgangsnummer)}`}>{a.vorgangsnummer}</a>
                <span class="hint">
                  {a.onlinedienst_id} · Mandant {a.mandant_id}
                </span>
              </td>
              <td>
                {a.bearbeitung_status === null
                  ? 'Zugestellt, Bearbeitung noch nicht begonnen'
                  : a.bearbeitung_status === 'nachforderung-beantwortet'
                    ? 'Nachforderung beantwortet: weiter bearbeiten'
                    : `${antragStatusLabel(a.bearbeitung_status)}: Bescheid erteilen`}
              </td>
              <td>
                <time datetime={isoOf(a.eingegangen_am)}>{formatDateTime(a.eingegangen_am)}</time>
              </td>
              <td>keine Frist</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

type Aufgaben = z.infer<typeof aufgabeListSchema>['items'];

/** Tasks only the person who did them can close (a Bescheid by post): done, with an optional note. */
export function ZuErledigen({ aufgaben, frame }: { aufgaben: Aufgaben; frame: Frame }) {
  if (aufgaben.length === 0) return null;
  return (
    <section aria-labelledby="erledigen-h">
      <h2 id="erledigen-h">Per Post versenden</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Aufgabe</th>
            <th scope="col">Was zu tun ist</th>
            <th scope="col">Seit</th>
            <th scope="col">Erledigt?</th>
          </tr>
        </thead>
        <tbody>
          {aufgaben.map((a) => {
            const field = `notiz-${a.id.replace(/[^A-Za-z0-9-]/g, '-')}`;
            return (
              <tr>
                <td>
                  {a.titel}
                  <span class="hint">Vorgang {a.betreffId}</span>
                </td>
                <td class="pre">{a.beschreibung}</td>
                <td>
                  <time datetime={isoOf(a.erstelltAm)}>{formatDateTime(a.erstelltAm)}</time>
                </td>
                <td>
                  <form class="stack" method="post" action={`/aufgaben/${encodeURIComponent(a.id)}/erledigen`}>
                    <CsrfField frame={frame} />
                    <div>
                      <label for={field}>Notiz (optional)</label>
                      <input
                        id={field}
                        name="notiz"
                        type="text"
                        maxlength={500}
                        placeholder="am 3.12. per Post versandt"
                      />
                    </div>
                    <div>
                      <button type="submit">Als erledigt melden</button>
                    </div>
                  </form>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

export function Erstattungen({ erstattungen }: { erstattungen: Aufgaben }) {
  if (erstattungen.length === 0) return null;
  return (
    <section aria-labelledby="erstattung-h">
      <h2 id="erstattung-h">Erstattungen</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Aufgabe</th>
            <th scope="col">Warum</th>
            <th scope="col">Seit</th>
            <th scope="col">Fällig bis</th>
          </tr>
        </thead>
        <tbody>
          {erstattungen.map((a) => (
            <tr>
              <td>
                {a.titel}
                <span class="hint">Vorgang {a.betreffId}</span>
              </td>
              <td>{a.beschreibung}</td>
              <td>
                <time datetime={isoOf(a.erstelltAm)}>{formatDateTime(a.erstelltAm)}</time>
              </td>
              <td>{a.faelligAm ? formatDateTime(a.faelligAm) : 'keine Frist'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="hint">Diese Aufgaben schließt die Orchestrierung selbst, sobald ePayBL den Storno zeigt.</p>
    </section>
  );
}
