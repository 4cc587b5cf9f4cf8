// The inbox per role: what waits on me, why, since when, by when — lifecycle tasks, rollout tickets, Anträge for
// the authority, the Antrag workflow's letters by post and refunds (each from its API list) — and the rollout ticket's
// next step and a letter's "sent" from the page. A lifecycle task is completed on its own page (aufgabe.tsx).
import type { Hono } from 'hono';
import type { z } from 'zod';
import { currentUser, requireRole, type Role, type User } from '../../api/auth';
import { LIFECYCLE_READERS } from '../../api/lifecycle-api';
import type { antragListSchema } from '../../api/schemas/antrag';
import type { aufgabeListSchema } from '../../api/schemas/aufgabe';
import type { inboxSchema, LifecycleDetail } from '../../api/schemas/onlinedienst';
import type { rolloutTicketListSchema, RolloutTicketItem } from '../../api/schemas/rollout';
import type { Problem } from '../api-client';
import {
  AntraegeZurBearbeitung,
  Erstattungen,
  LifecycleTasks,
  RolloutTickets,
  ZuErledigen,
  type TicketStep,
} from '../components/inbox';
import { render, type Ui } from '../context';
import { roleLabel } from '../format';
import { Notice } from '../layout';
import type { UiContext, UiEnv } from '../session';

const has = (user: User, ...roles: Role[]) => user.roles.some((r) => roles.includes(r));

const OK_TEXT: Record<string, string> = {
  aufgabe: 'Die Aufgabe ist erledigt.',
  erledigt: 'Die Aufgabe ist als erledigt gemeldet; der Antrag zeigt es.',
  gehalten: 'Die Angaben sind gespeichert; die Phase wartet noch auf die Gate-Prüfung (Stammdaten prüfen).',
  ticket: 'Das Ticket ist aktualisiert.',
};

/** Tickets whose next step is this person's: the AWB takes over and transfers; the requester answers and confirms. */
function ticketStep(user: User, t: RolloutTicketItem): TicketStep | null {
  if (has(user, 'awb') && t.status === 'requested')
    return { warum: 'Neues Ticket: Übernahme auf das Produktivsystem', befehl: 'assign' };
  if (has(user, 'awb') && t.status === 'in_progress' && t.assignee === user.id)
    return { warum: 'Ihnen zugewiesen: Prozess übernehmen', befehl: 'mark-transferred' };
  if (t.requestedBy === user.id && t.status === 'waiting_for_requester')
    return { warum: 'Die AWB hat eine Rückfrage', befehl: 'answer' };
  if (t.requestedBy === user.id && t.status === 'transferred')
    return { warum: 'Übernahme erfolgt: bitte bestätigen', befehl: 'confirm' };
  return null;
}

export function registerAufgaben(app: Hono<UiEnv>, ui: Ui) {
  async function inbox(
    c: UiContext,
    notice?: { ok: boolean; text: string },
    status: 200 | 400 | 403 | 404 | 409 = 200,
  ) {
    const user = currentUser(c);
    const [tasks, tickets, antraege, aufgaben] = await Promise.all([
      has(user, ...LIFECYCLE_READERS)
        ? ui.api.get<z.infer<typeof inboxSchema>>(c, '/api/onlinedienste/aufgaben').then((r) => r.items)
        : Promise.resolve([]),
      has(user, 'awb', 'prozesseigner', 'projektleitung')
        ? ui.api.get<z.infer<typeof rolloutTicketListSchema>>(c, '/api/rollout-tickets').then((r) => r.items)
        : Promise.resolve([]),
      has(user, 'sachbearbeitung')
        ? ui.api.get<z.infer<typeof antragListSchema>>(c, '/api/antraege?limit=500').then((r) => r.items)
        : Promise.resolve([]),
      ui.api.get<z.infer<typeof aufgabeListSchema>>(c, '/api/aufgaben').then((r) => r.items),
    ]);
    const erstattungen = aufgaben.filter((a) => !a.erledigbar);
    const zuErledigen = aufgaben.filter((a) => a.erledigbar);
    // Since when and the event data live in the workflow: one live query per Onlinedienst in the inbox.
    const views = new Map<string, LifecycleDetail>();
    await Promise.all(
      [...new Set(tasks.map((t) => t.onlinedienstId))].map(async (id) => {
        const res = await ui.api.call<LifecycleDetail>(c, 'GET', `/api/onlinedienste/${encodeURIComponent(id)}`);
        if (res.status === 200) views.set(id, res.body);
      }),
    );
    const mine = tickets.flatMap((t) => {
      const step = ticketStep(user, t);
      return step ? [{ t, step }] : [];
    });
    const wartend = antraege.filter(
      (a) =>
        a.zustell_status === 'zugestellt' &&
        a.status !== 'bescheid-zugestellt' &&
        !['nachforderung', 'abgeschlossen'].includes(a.bearbeitung_status ?? ''),
    );
    const total = tasks.length + mine.length + wartend.length + aufgaben.length;
    const ok = c.req.query('ok');

    return render(
      ui,
      c,
      'Meine Aufgaben',
      (frame) => (
        <>
          {notice ? <Notice {...notice} /> : ok && OK_TEXT[ok] ? <Notice ok text={OK_TEXT[ok]} /> : null}
          <p class="lead">
            {total === 0
              ? 'Nichts wartet auf Sie.'
              : `${total} ${total === 1 ? 'Vorgang wartet' : 'Vorgänge warten'} auf Sie (Rolle: ${user.roles.map(roleLabel).join(', ')}).`}
          </p>

          <LifecycleTasks tasks={tasks} views={views} />
          <RolloutTickets frame={frame} mine={mine} />
          <AntraegeZurBearbeitung wartend={wartend} />
          <ZuErledigen aufgaben={zuErledigen} frame={frame} />
          <Erstattungen erstattungen={erstattungen} />
        </>
      ),
      status,
    );
  }

  const roles = [...LIFECYCLE_READERS, 'sachbearbeitung'] as Role[];
  app.get('/aufgaben', requireRole(...roles), (c) => inbox(c));

  app.post('/aufgaben/:id/erledigen', requireRole(...roles), async (c) => {
    const body = (await c.req.parseBody()) as Record<string, string>;
    const notiz = (body.notiz ?? '').trim();
    const res = await ui.api.call<Problem>(
      c,
      'POST',
      `/api/aufgaben/${encodeURIComponent(c.req.param('id'))}/erledigen`,
      notiz ? { notiz } : {},
    );
    if (res.status === 200) return c.redirect('/aufgaben?ok=erledigt', 303);
    return inbox(
      c,
      { ok: false, text: `Nicht möglich: ${res.body.detail ?? res.body.title ?? res.status}` },
      res.status === 404 ? 404 : res.status === 400 ? 400 : 409,
    );
  });

  app.post('/rollout/:wf/befehl', requireRole('awb', 'prozesseigner', 'projektleitung'), async (c) => {
    const body = (await c.req.parseBody()) as Record<string, string>;
    const command: Record<string, string> = { type: body.type ?? '' };
    if (body.type === 'assign') command.assigneeId = currentUser(c).id;
    if (body.type === 'mark-transferred') command.produktivVersion = body.produktivVersion ?? '';
    if (body.type === 'answer') command.answer = body.answer ?? '';
    const res = await ui.api.call<Problem>(
      c,
      'POST',
      `/api/rollout-tickets/${encodeURIComponent(c.req.param('wf'))}/befehle`,
      command,
    );
    if (res.status === 200) return c.redirect('/aufgaben?ok=ticket', 303);
    return inbox(
      c,
      { ok: false, text: `Nicht möglich: ${res.body.detail ?? res.body.title ?? res.status}` },
      res.status === 404 ? 404 : 409,
    );
  });
}
