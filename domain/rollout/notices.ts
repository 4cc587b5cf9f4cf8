// The mails of a rollout ticket as plain data: the new ticket, each command, the SLA warning and escalation, and the
// reminders to whoever the ticket waits for. Keys start with the ticket's workflow id (sent at most once per key).
import type { Notice } from '../onlinedienst/notices';
import type { SlaClock, SlaPolicy } from './sla';
import { ROLLOUT_STATUS_LABELS, type RolloutCommand, type RolloutTicket } from './ticket';
import { formatBerlin, type Instant } from '../working-days';

/** The ticket a notice is about, as it stands now. */
export interface TicketNoticeContext {
  workflowId: string;
  ticket: RolloutTicket;
  onlinedienstName: string;
  policy: SlaPolicy;
}

/** Someone the ticket waits for, since when, and what for. */
export interface LateParty {
  key: string;
  since: Instant;
  role: Notice['role'];
  what: string;
}

export function ticketTitle(c: TicketNoticeContext): string {
  return `Ticket ${c.ticket.ticketId}: ${c.ticket.prozess.name} ${c.ticket.prozess.version} (${c.onlinedienstName})`;
}

function notice(c: TicketNoticeContext, key: string, role: Notice['role'], subject: string, body: string): Notice {
  return { key: `${c.workflowId}:${key}`, role, subject, text: `Guten Tag,\n\n${body}\n\nIhre Amt24-Orchestrierung\n` };
}

const breachDate = (breachAt: Instant | null) => (breachAt === null ? '?' : formatBerlin(breachAt));

/** To the AWB when the ticket is requested; `breachAt` is the end of the SLA. */
export function newTicketNotice(c: TicketNoticeContext, breachAt: Instant | null): Notice {
  const t = c.ticket;
  return notice(
    c,
    'neu',
    'awb',
    `Neues Ticket: Übernahme auf das Produktivsystem – ${ticketTitle(c)}`,
    `bitte übernehmen Sie ${t.prozess.name} ${t.prozess.version} mit Formular ${t.formular.name} ` +
      `${t.formular.version} (Zertifikat ${t.zertifizierungsReferenz}) für Mandant ${t.mandantId} auf das Produktivsystem.\n` +
      `Frist: ${c.policy.target.amount} Arbeitstage, bis ${breachDate(breachAt)}.`,
  );
}

/** What a command tells the other side; `seq` is the ticket's change counter after the command. */
export function commandNotices(
  c: TicketNoticeContext,
  command: RolloutCommand,
  actorId: string,
  seq: number,
): Notice[] {
  const title = ticketTitle(c);
  switch (command.type) {
    case 'assign':
      return [
        notice(c, `assign:${seq}`, 'awb', `Zugewiesen: ${title}`, `${title} ist ${command.assigneeId} zugewiesen.`),
      ];
    case 'ask-requester':
      return [
        notice(
          c,
          `frage:${seq}`,
          'prozesseigner',
          `Rückfrage zu ${title}`,
          `die Anwendungsbetreuung fragt (${actorId}):\n\n  ${command.question}\n\nBis zu Ihrer Antwort ist die Frist angehalten.`,
        ),
      ];
    case 'answer':
      return [
        notice(
          c,
          `antwort:${seq}`,
          'awb',
          `Antwort zu ${title}`,
          `der Prozesseigner antwortet:\n\n  ${command.answer}\n\nDie Frist läuft weiter.`,
        ),
      ];
    case 'mark-transferred':
      return [
        notice(
          c,
          `uebernommen:${seq}`,
          'prozesseigner',
          `Übernommen: ${title}`,
          `${c.ticket.prozess.name} ${command.produktivVersion} ist auf dem Produktivsystem. Bitte bestätigen Sie die Übernahme im Ticket.`,
        ),
      ];
    case 'confirm':
      return [
        notice(
          c,
          `bestaetigt:${seq}`,
          'awb',
          `Bestätigt: ${title}`,
          `der Prozesseigner hat die Übernahme bestätigt. Das Ticket ist geschlossen.`,
        ),
      ];
  }
}

/** The SLA's warning threshold is reached. */
export function slaWarningNotice(c: TicketNoticeContext, breachAt: Instant | null): Notice {
  const title = ticketTitle(c);
  return notice(
    c,
    'sla-warnung',
    'awb',
    `SLA-Warnung: ${title}`,
    `${title} ist ${ROLLOUT_STATUS_LABELS[c.ticket.status]}. Die Frist (${c.policy.target.amount} Arbeitstage) ist am ` +
      `${breachDate(breachAt)} überschritten.`,
  );
}

/** The SLA is breached: AWB, Projektleitung and Prozesseigner hear of it. */
export function escalationNotices(c: TicketNoticeContext, breachAt: Instant | null): Notice[] {
  const title = ticketTitle(c);
  const body =
    `${title} hat die Frist von ${c.policy.target.amount} Arbeitstagen am ${breachDate(breachAt)} ` +
    `überschritten (Status: ${ROLLOUT_STATUS_LABELS[c.ticket.status]}, zugewiesen: ${c.ticket.assignee ?? 'niemandem'}).`;
  const subject = `Eskalation: SLA überschritten – ${title}`;
  return [
    notice(c, 'eskalation:awb', 'awb', subject, body),
    notice(c, 'eskalation:pl', 'projektleitung', subject, body),
    notice(c, 'eskalation:pe', 'prozesseigner', subject, body),
  ];
}

/** Who the ticket waits for, since when: the AWB after a breach, the requester for an answer or the confirmation. */
export function lateParties(t: RolloutTicket, clockNow: SlaClock): LateParty[] {
  const out: LateParty[] = [];
  if ((t.status === 'requested' || t.status === 'in_progress') && clockNow.breached && clockNow.breachAt !== null) {
    out.push({
      key: `awb:${clockNow.breachAt}`,
      since: clockNow.breachAt,
      role: 'awb',
      what: 'Die Übernahme ist über der Frist und noch nicht erledigt.',
    });
  }
  if (t.status === 'waiting_for_requester' && clockNow.pausedSince !== null) {
    out.push({
      key: `antwort:${clockNow.pausedSince}`,
      since: clockNow.pausedSince,
      role: 'prozesseigner',
      what: `Die Rückfrage „${t.openQuestion ?? ''}“ ist noch unbeantwortet.`,
    });
  }
  if (t.status === 'transferred' && t.transferredAt !== null) {
    out.push({
      key: 'bestaetigung',
      since: t.transferredAt,
      role: 'prozesseigner',
      what: 'Die Übernahme ist noch nicht bestätigt.',
    });
  }
  return out;
}

/** The `count`-th reminder to a late party. */
export function reminderNotice(c: TicketNoticeContext, p: LateParty, count: number): Notice {
  return notice(
    c,
    `erinnerung:${p.key}:${count}`,
    p.role,
    `Erinnerung: ${ticketTitle(c)}`,
    `${p.what} (${count}. Erinnerung)`,
  );
}
