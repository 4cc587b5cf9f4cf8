// The inbox per role: what waits on me, why, since when, by when — lifecycle tasks, rollout tickets, Anträge for
// the authority and the refund tasks of the Antrag workflow — and completing a lifecycle task from the page.
import type { Hono } from 'hono';
import { canAccessMandant, currentUser, requireRole, type Role, type User } from '../../api/auth';
import { LIFECYCLE_READERS } from '../../api/lifecycle-api';
import { taskTemplate } from '../../domain/onlinedienst/task-catalog';
import { ROLLOUT_STATUS_LABELS, type RolloutTicketStatus } from '../../domain/rollout/ticket';
import type { Problem } from '../api-client';
import { render, type Ui } from '../context';
import type { AntragItem } from './antraege';
import { slaKind } from './betrieb';
import { antragStatusLabel, formatDateTime, isoOf, phaseLabel, roleLabel } from '../format';
import { Badge, CsrfField, Notice } from '../layout';
import type { InboxTask, LifecycleView, RolloutTicketItem } from '../lifecycle-types';
import type { UiContext, UiEnv } from '../session';
import { fieldId, fieldSpecs, fieldsFromForm, TaskFields, type FieldSpec, type Posted } from '../task-form';

const has = (user: User, ...roles: Role[]) => user.roles.some((r) => roles.includes(r));

const OK_TEXT: Record<string, string> = {
  aufgabe: 'Die Aufgabe ist erledigt.',
  gehalten: 'Die Angaben sind gespeichert; die Phase wartet noch auf die Gate-Prüfung (Stammdaten prüfen).',
  ticket: 'Das Ticket ist aktualisiert.',
};

/** Tickets whose next step is this person's: the AWB takes over and transfers; the requester answers and confirms. */
function ticketStep(user: User, t: RolloutTicketItem): { warum: string; befehl: string } | null {
  if (has(user, 'awb') && t.status === 'requested') return { warum: 'Neues Ticket: Übernahme auf das Produktivsystem', befehl: 'assign' };
  if (has(user, 'awb') && t.status === 'in_progress' && t.assignee === user.id) return { warum: 'Ihnen zugewiesen: Prozess übernehmen', befehl: 'mark-transferred' };
  if (t.requestedBy === user.id && t.status === 'waiting_for_requester') return { warum: 'Die AWB hat eine Rückfrage', befehl: 'answer' };
  if (t.requestedBy === user.id && t.status === 'transferred') return { warum: 'Übernahme erfolgt: bitte bestätigen', befehl: 'confirm' };
  return null;
}

export function registerAufgaben(app: Hono<UiEnv>, ui: Ui) {
  async function inbox(c: UiContext, notice?: { ok: boolean; text: string }, status: 200 | 400 | 403 | 404 | 409 = 200) {
    const user = currentUser(c);
    const [tasks, tickets, antraege, storno] = await Promise.all([
      has(user, ...LIFECYCLE_READERS) ? ui.api.get<{ items: InboxTask[] }>(c, '/api/onlinedienste/aufgaben').then((r) => r.items) : Promise.resolve([]),
      has(user, 'awb', 'prozesseigner', 'projektleitung') ? ui.api.get<{ items: RolloutTicketItem[] }>(c, '/api/rollout-tickets').then((r) => r.items) : Promise.resolve([]),
      has(user, 'sachbearbeitung') ? ui.api.get<{ items: AntragItem[] }>(c, '/api/antraege?limit=500').then((r) => r.items) : Promise.resolve([]),
      ui.deps.db.selectFrom('aufgabe').selectAll().where('status', '=', 'offen').where('rolle', 'in', user.roles).orderBy('created_at').execute(),
    ]);
    // Since when and the event data live in the workflow: one live query per Onlinedienst in the inbox.
    const views = new Map<string, LifecycleView>();
    await Promise.all(
      [...new Set(tasks.map((t) => t.onlinedienstId))].map(async (id) => {
        const res = await ui.api.call<LifecycleView>(c, 'GET', `/api/onlinedienste/${encodeURIComponent(id)}`);
        if (res.status === 200) views.set(id, res.body);
      }),
    );
    const mine = tickets.map((t) => ({ t, step: ticketStep(user, t) })).filter((x) => x.step !== null);
    const wartend = antraege.filter((a) => a.zustell_status === 'zugestellt' && a.status !== 'bescheid-zugestellt' && !['nachforderung', 'abgeschlossen'].includes(a.bearbeitung_status ?? ''));
    const erstattungen = storno.filter((a) => a.mandant_id === null || canAccessMandant(user, a.mandant_id));
    const total = tasks.length + mine.length + wartend.length + erstattungen.length;
    const ok = c.req.query('ok');

    return render(ui, c, 'Meine Aufgaben', (frame) => (
      <>
        {notice ? <Notice {...notice} /> : ok && OK_TEXT[ok] ? <Notice ok text={OK_TEXT[ok]} /> : null}
        <p class="lead">{total === 0 ? 'Nichts wartet auf Sie.' : `${total} ${total === 1 ? 'Vorgang wartet' : 'Vorgänge warten'} auf Sie (Rolle: ${user.roles.map(roleLabel).join(', ')}).`}</p>

        {tasks.length > 0 ? (
          <section aria-labelledby="lc-h">
            <h2 id="lc-h">Aufgaben im Lebenszyklus der Onlinedienste</h2>
            <table>
              <caption class="visually-hidden">Offene Aufgaben, früheste Frist zuerst</caption>
              <thead>
                <tr><th scope="col">Aufgabe</th><th scope="col">Onlinedienst</th><th scope="col">Warum</th><th scope="col">Seit</th><th scope="col">Fällig bis</th></tr>
              </thead>
              <tbody>
                {tasks.map((t) => {
                  const live = views.get(t.onlinedienstId)?.openTasks.find((o) => o.id === t.taskId);
                  const template = taskTemplate(t.taskId.split(':')[0]!);
                  return (
                    <tr>
                      <td><a href={`/onlinedienste/${encodeURIComponent(t.onlinedienstId)}/aufgaben/${encodeURIComponent(t.taskId)}`}>{t.title}</a>{t.mandantId ? ` (Mandant ${t.mandantId})` : ''}</td>
                      <td><a href={`/onlinedienste/${encodeURIComponent(t.onlinedienstId)}`}>{t.name}</a></td>
                      <td>Phase {phaseLabel(t.phase)}{template ? <span class="hint">{template.description}</span> : null}{live?.heldByGate ? <span class="hint">Wartet auf die Gate-Prüfung.</span> : null}</td>
                      <td>{live ? <time datetime={isoOf(live.openedAt)}>{formatDateTime(live.openedAt)}</time> : '–'}</td>
                      <td><time datetime={isoOf(t.dueAt)}>{formatDateTime(t.dueAt)}</time>{live?.overdue ? <> <Badge kind="breached">überfällig</Badge></> : null}{t.reminders > 0 ? <span class="hint">{t.reminders}× erinnert</span> : null}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>
        ) : null}

        {mine.length > 0 ? (
          <section aria-labelledby="tickets-h">
            <h2 id="tickets-h">Rollout-Tickets</h2>
            <table>
              <thead>
                <tr><th scope="col">Ticket</th><th scope="col">Warum</th><th scope="col">Seit</th><th scope="col">SLA</th><th scope="col">Aktion</th></tr>
              </thead>
              <tbody>
                {mine.map(({ t, step }) => (
                  <tr>
                    <td>{t.ticketId}<span class="hint">{t.onlinedienstId} · {t.prozess.name} {t.prozess.version} · {ROLLOUT_STATUS_LABELS[t.status as RolloutTicketStatus] ?? t.status}</span></td>
                    <td>{step!.warum}</td>
                    <td><time datetime={isoOf(t.requestedAt)}>{formatDateTime(t.requestedAt)}</time></td>
                    <td><Badge kind={slaKind(t.slaState)}>{t.slaState}</Badge>{t.slaBreachAt ? <span class="hint">verletzt ab {formatDateTime(t.slaBreachAt)}</span> : null}</td>
                    <td>
                      <form class="stack" method="post" action={`/rollout/${encodeURIComponent(t.workflowId)}/befehl`}>
                        <CsrfField frame={frame} />
                        <input type="hidden" name="type" value={step!.befehl} />
                        {step!.befehl === 'mark-transferred' ? (
                          <div><label for={`pv-${t.workflowId}`}>Produktiv-Version</label><input id={`pv-${t.workflowId}`} name="produktivVersion" type="text" required value={t.prozess.version} /></div>
                        ) : null}
                        {step!.befehl === 'answer' ? (
                          <div><label for={`an-${t.workflowId}`}>Antwort an die AWB</label><textarea id={`an-${t.workflowId}`} name="answer" required></textarea></div>
                        ) : null}
                        <div>
                          <button type="submit">
                            {{ assign: 'Ticket übernehmen', 'mark-transferred': 'Übernahme melden', answer: 'Antwort senden', confirm: 'Übernahme bestätigen' }[step!.befehl]}
                          </button>
                        </div>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ) : null}

        {wartend.length > 0 ? (
          <section aria-labelledby="antraege-h">
            <h2 id="antraege-h">Anträge zur Bearbeitung</h2>
            <table>
              <thead>
                <tr><th scope="col">Vorgang</th><th scope="col">Warum</th><th scope="col">Eingegangen</th><th scope="col">Fällig bis</th></tr>
              </thead>
              <tbody>
                {wartend.map((a) => (
                  <tr>
                    <td><a href={`/antraege/${encodeURIComponent(a.vorgangsnummer)}`}>{a.vorgangsnummer}</a><span class="hint">{a.onlinedienst_id} · Mandant {a.mandant_id}</span></td>
                    <td>{a.bearbeitung_status === null ? 'Zugestellt, Bearbeitung noch nicht begonnen' : a.bearbeitung_status === 'nachforderung-beantwortet' ? 'Nachforderung beantwortet: weiter bearbeiten' : `${antragStatusLabel(a.bearbeitung_status)}: Bescheid erteilen`}</td>
                    <td><time datetime={isoOf(a.eingegangen_am)}>{formatDateTime(a.eingegangen_am)}</time></td>
                    <td>keine Frist</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ) : null}

        {erstattungen.length > 0 ? (
          <section aria-labelledby="erstattung-h">
            <h2 id="erstattung-h">Erstattungen</h2>
            <table>
              <thead>
                <tr><th scope="col">Aufgabe</th><th scope="col">Warum</th><th scope="col">Seit</th><th scope="col">Fällig bis</th></tr>
              </thead>
              <tbody>
                {erstattungen.map((a) => (
                  <tr>
                    <td>{a.titel}<span class="hint">Vorgang {a.betreff_id}</span></td>
                    <td>{a.beschreibung}</td>
                    <td><time datetime={isoOf(a.created_at)}>{formatDateTime(a.created_at)}</time></td>
                    <td>{a.faellig_am ? formatDateTime(a.faellig_am) : 'keine Frist'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p class="hint">Diese Aufgaben schließt die Orchestrierung selbst, sobald ePayBL den Storno zeigt.</p>
          </section>
        ) : null}
      </>
    ), status);
  }

  const roles = [...LIFECYCLE_READERS, 'sachbearbeitung'] as Role[];
  app.get('/aufgaben', requireRole(...roles), (c) => inbox(c));

  app.post('/rollout/:wf/befehl', requireRole('awb', 'prozesseigner', 'projektleitung'), async (c) => {
    const body = (await c.req.parseBody()) as Record<string, string>;
    const command: Record<string, string> = { type: body.type ?? '' };
    if (body.type === 'assign') command.assigneeId = currentUser(c).id;
    if (body.type === 'mark-transferred') command.produktivVersion = body.produktivVersion ?? '';
    if (body.type === 'answer') command.answer = body.answer ?? '';
    const res = await ui.api.call<Problem>(c, 'POST', `/api/rollout-tickets/${encodeURIComponent(c.req.param('wf'))}/befehle`, command);
    if (res.status === 200) return c.redirect('/aufgaben?ok=ticket', 303);
    return inbox(c, { ok: false, text: `Nicht möglich: ${res.body.detail ?? res.body.title ?? res.status}` }, res.status === 404 ? 404 : 409);
  });

  // ------------------------------------------------------------------------------------------ one task's form
  async function taskPage(c: UiContext, values: Posted = {}, problem?: Problem, status: 200 | 400 | 403 | 409 = 200) {
    const id = c.req.param('id')!;
    const taskId = c.req.param('taskId')!;
    const view = await ui.api.get<LifecycleView & { temporalUiUrl?: string }>(c, `/api/onlinedienste/${encodeURIComponent(id)}`);
    const task = view.openTasks.find((t) => t.id === taskId);
    const template = taskTemplate(taskId.split(':')[0]!);
    if (!task || !template) {
      return render(ui, c, 'Aufgabe nicht offen', () => (
        <p>Die Aufgabe „{taskId}“ ist bei {view.name} nicht (mehr) offen. <a href="/aufgaben">Zurück zu Ihren Aufgaben</a></p>
      ), 404);
    }
    const specs = fieldSpecs(template);
    const errors = Object.fromEntries((problem?.invalidParams ?? []).map((p) => [p.name, p.reason]));
    const labels = new Map<string, string>();
    const collect = (list: FieldSpec[]): void => list.forEach((f) => (f.kind === 'group' ? collect(f.children) : labels.set(f.name, f.label)));
    collect(specs);
    return render(ui, c, task.title, (frame) => (
      <>
        <p class="lead">{view.name} · Phase {phaseLabel(task.phase)}</p>
        {problem ? (
          <div class="notice error" role="alert" id="fehler">
            <h2>Die Aufgabe wurde nicht erledigt</h2>
            <p>{problem.detail}</p>
            {problem.invalidParams?.length ? (
              <ul>
                {problem.invalidParams.map((p) => (
                  <li><a href={`#${fieldId(p.name)}`}>{labels.get(p.name) ?? p.name}: {p.reason}</a></li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
        <dl class="facts">
          <dt>Was</dt><dd>{template.description}</dd>
          <dt>Wer</dt><dd>{roleLabel(task.role)}{task.mandant ? ` (Mandant ${task.mandant})` : ''}</dd>
          <dt>Seit</dt><dd><time datetime={isoOf(task.openedAt)}>{formatDateTime(task.openedAt)}</time></dd>
          <dt>Fällig bis</dt><dd><time datetime={isoOf(task.dueAt)}>{formatDateTime(task.dueAt)}</time>{task.overdue ? <> <Badge kind="breached">überfällig</Badge></> : null}</dd>
          {task.payload ? <><dt>Anlass</dt><dd><pre class="mail">{JSON.stringify(task.payload, null, 2)}</pre></dd></> : null}
        </dl>
        <form class="stack" method="post" action={`/onlinedienste/${encodeURIComponent(id)}/aufgaben/${encodeURIComponent(taskId)}`} novalidate>
          <CsrfField frame={frame} />
          <TaskFields specs={specs} values={values} errors={errors} />
          <div><button type="submit">Aufgabe erledigen</button></div>
        </form>
      </>
    ), status);
  }

  app.get('/onlinedienste/:id/aufgaben/:taskId', requireRole(...LIFECYCLE_READERS), (c) => taskPage(c));

  app.post('/onlinedienste/:id/aufgaben/:taskId', requireRole(...LIFECYCLE_READERS), async (c) => {
    const posted = (await c.req.parseBody({ all: true })) as Posted;
    const template = taskTemplate(c.req.param('taskId').split(':')[0]!);
    if (!template) return taskPage(c);
    const fields = fieldsFromForm(fieldSpecs(template), posted);
    const res = await ui.api.call<Problem & { status?: string }>(
      c, 'POST', `/api/onlinedienste/${encodeURIComponent(c.req.param('id'))}/aufgaben/${encodeURIComponent(c.req.param('taskId'))}`, fields,
    );
    if (res.status === 200) return c.redirect('/aufgaben?ok=aufgabe', 303);
    if (res.status === 202) return c.redirect('/aufgaben?ok=gehalten', 303);
    return taskPage(c, posted, res.body, res.status === 400 ? 400 : res.status === 403 ? 403 : 409);
  });
}
