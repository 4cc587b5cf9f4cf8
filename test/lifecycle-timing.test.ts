// Deadlines, reminders and the SLA of rollout tickets on the real dev server. The dev server cannot skip time, so
// these lifecycles run on a scaled domain clock that starts on Tuesday 17 November 2026 at 10:00 — the day before
// Buß- und Bettag, a Saxon public holiday — where one real second is four domain hours. The working-day logic sees
// real calendar dates; the timers sleep 1/14,400 of the domain time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LifecycleApiSettings } from '../api/lifecycle-api';
import { formatBerlin, workingMillisBetween, berlinDateOf } from '../domain/working-days';
import { rolloutStateQuery, rolloutWorkflowId } from '../messages/rollout';
import { eventually } from './harness/wait';
import { H, lifecycleStack, type LifecycleStack } from './harness/lifecycle';

const SCALE = 4 * 3600; // one real second = four domain hours
const TUESDAY = Date.parse('2026-11-17T10:00:00+01:00');

const settings: LifecycleApiSettings = {
  lifecycle: {
    clock: { scale: SCALE, startAt: TUESDAY },
    deadlines: {
      'ist-prozess': { amount: 0.125, unit: 'working-days' }, // three hours of working time
      rechtsgrundlagen: { amount: 2, unit: 'working-days' },
    },
    reminderIntervalMs: 2 * H,
    maxReminders: 2,
    gateRecheckIntervalMs: 2 * H,
    rollout: {
      sla: { target: { amount: 2, unit: 'working-days' }, warnAtRatio: 0.5 },
      reminderIntervalMs: 3 * H,
      maxReminders: 2,
    },
  },
};

let h: LifecycleStack;
beforeAll(async () => {
  h = await lifecycleStack({ settings });
});
afterAll(async () => {
  await h?.close();
});

describe('deadlines and reminders on a scaled Saxon calendar', () => {
  it('counts working days over Buß- und Bettag, reminds the late role and marks the completion late', async () => {
    const { id, kontakte } = await h.createOnlinedienst();
    const v = await h.state(id);
    const ist = v.openTasks.find((t) => t.id === 'ist-prozess')!;
    const recht = v.openTasks.find((t) => t.id === 'rechtsgrundlagen')!;
    expect(berlinDateOf(ist.openedAt)).toBe('2026-11-17');
    expect(ist.dueAt - ist.openedAt).toBe(3 * H);
    // Two working days from Tuesday end on Friday: Wednesday 18 November is Buß- und Bettag.
    expect(recht.dueAt - recht.openedAt).toBe(72 * H);
    expect(berlinDateOf(recht.dueAt)).toBe('2026-11-20');

    const first = await h.waitForMailTo(kontakte.prozesseigner, /^Erinnerung: Aufgabe überfällig – Ist-Prozess/);
    expect(first.text).toContain(`war am ${formatBerlin(ist.dueAt)} fällig und ist noch offen (1. Erinnerung)`);
    await h.waitForMailTo(kontakte.prozesseigner, /^Erinnerung: Aufgabe überfällig – Ist-Prozess/, 20_000);
    await eventually(
      async () =>
        (await h.mailsTo(kontakte.prozesseigner)).filter((m) =>
          m.subject.startsWith('Erinnerung: Aufgabe überfällig – Ist-Prozess'),
        ).length === 2,
      20_000,
      'second reminder',
    );
    const late = await eventually(async () => {
      const s = await h.state(id);
      const t = s.openTasks.find((x) => x.id === 'ist-prozess');
      return t && t.reminders === 2 ? t : undefined;
    });
    expect(late.overdue).toBe(true);
    const row = await h.db
      .selectFrom('lifecycle_task')
      .selectAll()
      .where('onlinedienst_id', '=', id)
      .where('task_id', '=', 'ist-prozess')
      .executeTakeFirstOrThrow();
    expect(row.reminders).toBe(2);
    const reminded = await h.db
      .selectFrom('audit_log')
      .select(['action', 'actor', 'details'])
      .where('subject_id', '=', id)
      .where('action', '=', 'onlinedienst.aufgabe.erinnert')
      .execute();
    expect(reminded.map((r) => (r.details as { erinnerung: number }).erinnerung)).toEqual([1, 2]);

    await h.mustComplete(id, 'ist-prozess');
    const done = (await h.state(id)).completedTasks.find((t) => t.id === 'ist-prozess')!;
    expect(done.late).toBe(true);
    const completedRow = await h.db
      .selectFrom('lifecycle_task')
      .selectAll()
      .where('onlinedienst_id', '=', id)
      .where('task_id', '=', 'ist-prozess')
      .executeTakeFirstOrThrow();
    expect(completedRow).toMatchObject({ status: 'erledigt', late: true, completed_by: 'pe-smk' });
  });

  it('re-runs a held gate check by itself and releases the phase once the data is there', async () => {
    const { id } = await h.createOnlinedienst();
    for (const task of [
      'ist-prozess',
      'rechtsgrundlagen',
      'xoev-fachverfahren',
      'konten-bezahlung',
      'leistungsbeschreibung',
      'auftakt-protokoll',
    ]) {
      await h.mustComplete(id, task);
    }
    const held = await h.complete(id, 'prototyp-bereitstellen');
    expect(held.status).toBe(202);
    // Leipzig records its activation; nobody asks for a re-check: the workflow's own timer does it.
    expect(
      (
        await h.api('PUT', `/api/onlinedienste/${id}/aktivierungen/leipzig`, {
          user: 'admin-leipzig',
          body: { organisationseinheitId: 'oe-leipzig-ordnungsamt', leistungId: '99102013000000' },
        })
      ).status,
    ).toBe(200);
    const v = await h.waitForPhase(id, 'test', 20_000);
    expect(v.gate.hold).toBeNull();
    expect(v.gate.last).toMatchObject({ gate: 'vor-test', passed: true });
    const gateAudit = await h.db
      .selectFrom('audit_log')
      .select(['action', 'actor'])
      .where('subject_id', '=', id)
      .where('action', 'like', 'onlinedienst.gate.%')
      .orderBy('id')
      .execute();
    expect(gateAudit.at(-1)).toEqual({ action: 'onlinedienst.gate.bestanden', actor: 'system' });
  });
});

describe('rollout ticket SLA on the scaled calendar', () => {
  it('pauses while waiting for the requester, skips Buß- und Bettag, warns, escalates on breach by mail and reminds the late', async () => {
    const { id, kontakte } = await h.createOnlinedienst();
    const ticketWf = rolloutWorkflowId(id, 1);
    // The ticket workflow on its own (as the lifecycle starts it in Produktivsetzung), on the same clock settings.
    await h.client.workflow.start('rolloutTicketWorkflow', {
      workflowId: ticketWf,
      taskQueue: h.taskQueue,
      args: [
        {
          request: {
            ticketId: `SD-${id}`,
            onlinedienstId: id,
            mandantId: 'leipzig',
            prozess: { name: 'KOMM24Bewohnerparken', version: 'v1.0' },
            formular: { name: 'Bewohnerparken', version: 'v1.0' },
            zertifizierungsReferenz: 'Z-2026-17',
          },
          requestedBy: { id: 'pe-smk', roles: ['prozesseigner'], mandanten: ['*'] },
          onlinedienstName: `Bewohnerparken ${id}`,
          settings: { ...settings.lifecycle!.rollout, clock: { scale: SCALE, startAt: TUESDAY } },
        },
      ],
    });
    const cmd = (user: string, body: unknown) =>
      h.api('POST', `/api/rollout-tickets/${ticketWf}/befehle`, { user, body });
    await eventually(
      async () =>
        (
          await h.db
            .selectFrom('rollout_ticket')
            .select('status')
            .where('workflow_id', '=', ticketWf)
            .executeTakeFirst()
        )?.status === 'requested',
      15_000,
      'ticket listed',
    );
    expect((await cmd('awb-sid', { type: 'assign', assigneeId: 'awb-sid' })).status).toBe(200);
    const asked = await cmd('awb-sid', { type: 'ask-requester', question: 'Welche Formularversion genau?' });
    expect(asked.body.ticket.status).toBe('waiting_for_requester');
    expect(asked.body.sla.state).toBe('paused');
    await h.waitForMailTo(kontakte.prozesseigner, /^Rückfrage zu Ticket/);
    // Nobody answers for three domain hours: the requester is reminded.
    const nag = await h.waitForMailTo(kontakte.prozesseigner, /^Erinnerung: Ticket/);
    expect(nag.text).toContain('Die Rückfrage „Welche Formularversion genau?“ ist noch unbeantwortet.');
    expect((await cmd('awb-sid', { type: 'answer', answer: 'x' })).body.code).toBe('wrong-role');
    const answered = await cmd('pe-smk', { type: 'answer', answer: 'Formular v1.0' });
    expect(answered.body.ticket.status).toBe('in_progress');

    // Half the budget used: a warning to the AWB; all of it: an escalation mail to AWB, Projektleitung and requester.
    const warning = await h.waitForMailTo(h.awbEmail, /^SLA-Warnung: Ticket/, 30_000);
    expect(warning.text).toContain('Die Frist (2 Arbeitstage)');
    const escalation = await h.waitForMailTo(h.awbEmail, /^Eskalation: SLA überschritten/, 30_000);
    await h.waitForMailTo(kontakte.projektleitung, /^Eskalation: SLA überschritten/);
    await h.waitForMailTo(kontakte.prozesseigner, /^Eskalation: SLA überschritten/);
    expect(escalation.text).toContain('hat die Frist von 2 Arbeitstagen am 2026-11-20');

    const live = await h.client.workflow.getHandle(ticketWf).query(rolloutStateQuery);
    expect(live.sla.state).toBe('breached');
    expect(live.escalated).toBe(true);
    const [started, paused, resumed] = live.ticket.slaEvents;
    expect([started!.type, paused!.type, resumed!.type]).toEqual(['started', 'paused', 'resumed']);
    const breachAt = live.sla.breachAt!;
    // The budget is 48 h of Saxon working time, the pause does not count, Buß- und Bettag does not count:
    // from the request to the breach lie 72 h + the pause (the pause fell on Tuesday, working time).
    expect(workingMillisBetween(started!.at, breachAt) - workingMillisBetween(paused!.at, resumed!.at)).toBe(48 * H);
    expect(berlinDateOf(paused!.at)).toBe('2026-11-17');
    expect(berlinDateOf(resumed!.at)).toBe('2026-11-17');
    expect(breachAt - started!.at - (resumed!.at - paused!.at)).toBe(72 * H);
    expect(berlinDateOf(breachAt)).toBe('2026-11-20');

    // Still not transferred: the AWB is reminded after the breach.
    const awbNag = await h.waitForMailTo(h.awbEmail, /^Erinnerung: Ticket/, 20_000);
    expect(awbNag.text).toContain('Die Übernahme ist über der Frist und noch nicht erledigt.');
    const transferred = await cmd('awb-sid', { type: 'mark-transferred', produktivVersion: 'v1.0' });
    expect(transferred.body.sla).toMatchObject({ state: 'stopped', breached: true });
    // The requester is late to confirm: reminded, then confirms, and the ticket closes.
    const confirmNag = await eventually(
      async () =>
        (await h.mailsTo(kontakte.prozesseigner)).find(
          (m) => m.subject.startsWith('Erinnerung: Ticket') && m.text.includes('noch nicht bestätigt'),
        ),
      20_000,
      'confirmation reminder',
    );
    expect(confirmNag.text).toContain('(1. Erinnerung)');
    expect((await cmd('pe-smk', { type: 'confirm' })).body.ticket.status).toBe('confirmed');
    const ticket = (await h.client.workflow.getHandle(ticketWf).result()) as {
      status: string;
      log: Array<{ command: string }>;
    };
    expect(ticket.status).toBe('confirmed');
    expect(ticket.log.map((e) => e.command)).toEqual([
      'request',
      'assign',
      'ask-requester',
      'answer',
      'mark-transferred',
      'confirm',
    ]);
    const row = await h.db
      .selectFrom('rollout_ticket')
      .selectAll()
      .where('workflow_id', '=', ticketWf)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'confirmed', sla_state: 'stopped' });
    expect(Number(row.sla_elapsed_ms)).toBeGreaterThan(48 * H);
    const audit = await h.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject_id', '=', ticketWf)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'rollout.beantragt',
        'rollout.sla.warnung',
        'rollout.sla.eskaliert',
        'rollout.erinnerung',
        'rollout.confirm',
      ]),
    );
  });
});
