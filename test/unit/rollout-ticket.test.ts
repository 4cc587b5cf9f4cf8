import { describe, expect, it } from 'vitest';
import type { SlaPolicy } from '../../domain/rollout/sla';
import { applyRolloutCommand, requestRollout, rolloutSla, type RolloutTicket } from '../../domain/rollout/ticket';
import { actor, ACTORS, H, t, T0 } from './lifecycle-fixtures';

describe('rollout ticket', () => {
  const pe = ACTORS.prozesseigner;
  const awb1 = actor('awb-1', ['awb']);
  const awb2 = actor('awb-2', ['awb']);
  const request = {
    ticketId: 'SD-4711',
    mandantId: 'm-pirna',
    prozess: { name: 'KOMM24Hundesteueranmeldung', version: 'v1.0' },
    formular: { name: 'Hundesteuer', version: 'v1.0' },
    zertifizierungsReferenz: 'Z-2026-17',
  };
  const sla: SlaPolicy = { target: { amount: 5, unit: 'working-days' } };

  function ok(result: ReturnType<typeof requestRollout>): RolloutTicket {
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    return result.ticket;
  }

  it('moves requested → in_progress → waiting → in_progress → transferred → confirmed with a paused clock', () => {
    let ticket = ok(requestRollout(request, pe, t('2026-11-17T10:00:00+01:00')));
    expect(ticket.status).toBe('requested');
    expect(
      applyRolloutCommand(ticket, { type: 'assign', assigneeId: 'awb-1' }, pe, t('2026-11-17T10:30:00+01:00')),
    ).toMatchObject({
      ok: false,
      error: { code: 'wrong-role' },
    });
    expect(
      applyRolloutCommand(
        ticket,
        { type: 'ask-requester', question: 'Welche Version?' },
        awb1,
        t('2026-11-17T10:30:00+01:00'),
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid-transition', message: '„ask-requester“ ist im Status „Beantragt“ nicht möglich.' },
    });
    ticket = ok(
      applyRolloutCommand(ticket, { type: 'assign', assigneeId: 'awb-1' }, awb1, t('2026-11-17T11:00:00+01:00')),
    );
    expect(ticket).toMatchObject({ status: 'in_progress', assignee: 'awb-1' });
    expect(
      applyRolloutCommand(
        ticket,
        { type: 'ask-requester', question: 'Formularversion?' },
        awb2,
        t('2026-11-19T12:00:00+01:00'),
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'not-assignee' },
    });
    ticket = ok(
      applyRolloutCommand(
        ticket,
        { type: 'ask-requester', question: 'Formularversion?' },
        awb1,
        t('2026-11-19T12:00:00+01:00'),
      ),
    );
    expect(ticket).toMatchObject({ status: 'waiting_for_requester', openQuestion: 'Formularversion?' });
    const waiting = rolloutSla(ticket, sla, t('2026-11-21T12:00:00+01:00'));
    expect(waiting.state).toBe('paused');
    expect(waiting.elapsedMs).toBe(26 * H);
    expect(
      applyRolloutCommand(
        ticket,
        { type: 'mark-transferred', produktivVersion: 'v1.0' },
        awb1,
        t('2026-11-21T12:00:00+01:00'),
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid-transition' },
    });
    expect(
      applyRolloutCommand(ticket, { type: 'answer', answer: 'v1.0' }, awb2, t('2026-11-23T09:00:00+01:00')),
    ).toMatchObject({
      ok: false,
      error: { code: 'wrong-role' },
    });
    ticket = ok(
      applyRolloutCommand(ticket, { type: 'answer', answer: 'Formular v1.0' }, pe, t('2026-11-23T09:00:00+01:00')),
    );
    expect(ticket).toMatchObject({ status: 'in_progress', openQuestion: null });
    const wrongVersion = applyRolloutCommand(
      ticket,
      { type: 'mark-transferred', produktivVersion: 'v1.1' },
      awb1,
      t('2026-11-24T10:00:00+01:00'),
    );
    expect(wrongVersion).toEqual({
      ok: false,
      error: {
        code: 'invalid-command',
        message: 'Übernommen wurde v1.1, beantragt war v1.0.',
        fieldErrors: [{ path: 'produktivVersion', message: 'Muss „v1.0“ sein.' }],
      },
    });
    ticket = ok(
      applyRolloutCommand(
        ticket,
        { type: 'mark-transferred', produktivVersion: 'v1.0' },
        awb1,
        t('2026-11-24T10:00:00+01:00'),
      ),
    );
    expect(ticket).toMatchObject({
      status: 'transferred',
      transferredAt: t('2026-11-24T10:00:00+01:00'),
      produktivVersion: 'v1.0',
    });
    const stopped = rolloutSla(ticket, sla, t('2026-12-10T10:00:00+01:00'));
    // 14 h Tue 17 + 12 h Thu 19 + 15 h Mon 23 + 10 h Tue 24; Buß- und Bettag and the weekend not counted.
    expect(stopped).toMatchObject({ state: 'stopped', elapsedMs: 51 * H, breached: false });
    ticket = ok(applyRolloutCommand(ticket, { type: 'confirm' }, pe, t('2026-11-24T14:00:00+01:00')));
    expect(ticket.status).toBe('confirmed');
    expect(applyRolloutCommand(ticket, { type: 'confirm' }, pe, t('2026-11-24T15:00:00+01:00'))).toMatchObject({
      ok: false,
      error: { code: 'invalid-transition' },
    });
    expect(ticket.log.map((e) => `${e.command}:${e.from ?? '-'}→${e.to}`)).toEqual([
      'request:-→requested',
      'assign:requested→in_progress',
      'ask-requester:in_progress→waiting_for_requester',
      'answer:waiting_for_requester→in_progress',
      'mark-transferred:in_progress→transferred',
      'confirm:transferred→confirmed',
    ]);
  });

  it('refuses incomplete requests and unknown commands', () => {
    const bad = requestRollout(
      { ...request, zertifizierungsReferenz: '', prozess: { name: 'X', version: 'eins' } },
      pe,
      T0,
    );
    expect(bad).toEqual({
      ok: false,
      error: {
        code: 'invalid-request',
        message: 'Der Antrag auf Übernahme ist unvollständig.',
        fieldErrors: [
          { path: 'prozess.version', message: 'Version im Format v1.0 oder 1.2.3.' },
          { path: 'zertifizierungsReferenz', message: 'Darf nicht leer sein.' },
        ],
      },
    });
    expect(requestRollout(request, ACTORS.awb, T0)).toMatchObject({ ok: false, error: { code: 'wrong-role' } });
    const ticket = ok(requestRollout(request, pe, T0));
    expect(applyRolloutCommand(ticket, { type: 'delete' }, awb1, T0)).toMatchObject({
      ok: false,
      error: { code: 'invalid-command' },
    });
    expect(applyRolloutCommand(ticket, { type: 'assign', assigneeId: 'awb-1' }, awb1, T0 - H)).toMatchObject({
      ok: false,
      error: { code: 'invalid-command', message: 'Zeitpunkt liegt vor dem letzten Ticketeintrag.' },
    });
  });
});
