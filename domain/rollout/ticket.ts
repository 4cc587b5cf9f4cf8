// The service-desk ticket asking the Anwendungsbetreuung to transfer a certified process to the Produktivsystem.
// The SLA clock runs from the request, pauses while the AWB waits for the requester, stops on the transfer.
import { z } from 'zod';
import { lazySchema, nonEmpty, parseFields, versionSchema, type FieldError } from '../field-errors';
import type { Role } from '../onlinedienst/phases';
import { computeSla, type SlaClock, type SlaEvent, type SlaPolicy } from './sla';
import { prozessRef, type Actor } from '../onlinedienst/task-catalog';
import { SAXON_CALENDAR, type Instant, type WorkingCalendar } from '../working-days';

export type RolloutTicketStatus = 'requested' | 'in_progress' | 'waiting_for_requester' | 'transferred' | 'confirmed';

export const ROLLOUT_STATUS_LABELS: Readonly<Record<RolloutTicketStatus, string>> = {
  requested: 'Beantragt',
  in_progress: 'In Bearbeitung',
  waiting_for_requester: 'Rückfrage an Antragsteller',
  transferred: 'Auf Produktivsystem übernommen',
  confirmed: 'Bestätigt',
};

export const rolloutRequestSchema = lazySchema(() =>
  z.strictObject({
    ticketId: nonEmpty(),
    onlinedienstId: nonEmpty().optional(),
    mandantId: nonEmpty(),
    prozess: prozessRef(),
    formular: prozessRef(),
    zertifizierungsReferenz: nonEmpty(),
    note: z.string().optional(),
  }),
);

export type RolloutRequest = z.output<ReturnType<typeof rolloutRequestSchema>>;

export const rolloutCommandSchema = lazySchema(() =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('assign'), assigneeId: nonEmpty() }),
    z.strictObject({ type: z.literal('ask-requester'), question: nonEmpty() }),
    z.strictObject({ type: z.literal('answer'), answer: nonEmpty() }),
    z.strictObject({
      type: z.literal('mark-transferred'),
      produktivVersion: versionSchema(),
      /** the content hash of the form+process version transferred (sha-256, hex); must be the certified one */
      inhaltsHash: z
        .string()
        .regex(/^[0-9a-f]{64}$/, { error: 'SHA-256 des Inhalts, 64 Hexadezimalzeichen.' })
        .optional(),
      note: z.string().optional(),
    }),
    z.strictObject({ type: z.literal('confirm'), note: z.string().optional() }),
  ]),
);

export type RolloutCommand = z.output<ReturnType<typeof rolloutCommandSchema>>;
export type RolloutCommandType = RolloutCommand['type'];

export interface RolloutLogEntry {
  at: Instant;
  actor: string;
  command: RolloutCommandType | 'request';
  from: RolloutTicketStatus | null;
  to: RolloutTicketStatus;
  text?: string;
}

export interface RolloutTicket extends RolloutRequest {
  status: RolloutTicketStatus;
  requestedBy: string;
  requestedAt: Instant;
  assignee: string | null;
  openQuestion: string | null;
  produktivVersion: string | null;
  /** the content hash deployed to the Produktivsystem (tickets for a stored form+process definition) */
  produktivHash?: string;
  transferredAt: Instant | null;
  confirmedAt: Instant | null;
  slaEvents: SlaEvent[];
  log: RolloutLogEntry[];
}

export type RolloutErrorCode =
  'invalid-request' | 'invalid-command' | 'invalid-transition' | 'wrong-role' | 'not-assignee';

export interface RolloutError {
  code: RolloutErrorCode;
  message: string;
  fieldErrors?: FieldError[];
}

export type RolloutResult = { ok: true; ticket: RolloutTicket } | { ok: false; error: RolloutError };

/** Which status each command leaves from, and where it leads. */
export const ROLLOUT_TRANSITIONS: Readonly<
  Record<RolloutCommandType, { from: readonly RolloutTicketStatus[]; to: RolloutTicketStatus }>
> = {
  assign: { from: ['requested', 'in_progress'], to: 'in_progress' },
  'ask-requester': { from: ['in_progress'], to: 'waiting_for_requester' },
  answer: { from: ['waiting_for_requester'], to: 'in_progress' },
  'mark-transferred': { from: ['in_progress'], to: 'transferred' },
  confirm: { from: ['transferred'], to: 'confirmed' },
};

function fail(code: RolloutErrorCode, message: string, fieldErrors?: FieldError[]): { ok: false; error: RolloutError } {
  return { ok: false, error: fieldErrors ? { code, message, fieldErrors } : { code, message } };
}

const hasRole = (actor: Actor, role: Role) => actor.roles.includes(role);

/** The Prozesseigner opens the ticket, naming Mandant, process, form and the certification. */
export function requestRollout(input: unknown, actor: Actor, now: Instant): RolloutResult {
  if (!hasRole(actor, 'prozesseigner')) return fail('wrong-role', 'Die Übernahme beantragt der Prozesseigner.');
  const parsed = parseFields(rolloutRequestSchema(), input);
  if (!parsed.ok) return fail('invalid-request', 'Der Antrag auf Übernahme ist unvollständig.', parsed.fieldErrors);
  return {
    ok: true,
    ticket: {
      ...parsed.data,
      status: 'requested',
      requestedBy: actor.id,
      requestedAt: now,
      assignee: null,
      openQuestion: null,
      produktivVersion: null,
      transferredAt: null,
      confirmedAt: null,
      slaEvents: [{ type: 'started', at: now }],
      log: [{ at: now, actor: actor.id, command: 'request', from: null, to: 'requested' }],
    },
  };
}

function isRequesterSide(ticket: RolloutTicket, actor: Actor): boolean {
  return actor.id === ticket.requestedBy || hasRole(actor, 'prozesseigner');
}

/** Applies one command. Refuses it (typed error) if the status, the actor or the payload does not fit. */
export function applyRolloutCommand(ticket: RolloutTicket, input: unknown, actor: Actor, now: Instant): RolloutResult {
  const parsed = parseFields(rolloutCommandSchema(), input);
  if (!parsed.ok) return fail('invalid-command', 'Ungültiger Befehl.', parsed.fieldErrors);
  const command = parsed.data;
  const rule = ROLLOUT_TRANSITIONS[command.type];
  if (!rule.from.includes(ticket.status)) {
    return fail(
      'invalid-transition',
      `„${command.type}“ ist im Status „${ROLLOUT_STATUS_LABELS[ticket.status]}“ nicht möglich.`,
    );
  }
  if (now < (ticket.log.at(-1)?.at ?? ticket.requestedAt)) {
    return fail('invalid-command', 'Zeitpunkt liegt vor dem letzten Ticketeintrag.');
  }
  const awbOnly = command.type === 'assign' || command.type === 'ask-requester' || command.type === 'mark-transferred';
  if (awbOnly && !hasRole(actor, 'awb')) return fail('wrong-role', 'Das erledigt die Anwendungsbetreuung.');
  if ((command.type === 'ask-requester' || command.type === 'mark-transferred') && actor.id !== ticket.assignee) {
    return fail('not-assignee', `Das Ticket ist ${ticket.assignee ?? 'niemandem'} zugewiesen.`);
  }
  if ((command.type === 'answer' || command.type === 'confirm') && !isRequesterSide(ticket, actor)) {
    return fail('wrong-role', 'Das erledigt der Antragsteller (Prozesseigner).');
  }

  const next: RolloutTicket = { ...ticket, status: rule.to };
  let text: string | undefined;
  switch (command.type) {
    case 'assign':
      next.assignee = command.assigneeId;
      text = `Zugewiesen an ${command.assigneeId}`;
      break;
    case 'ask-requester':
      next.openQuestion = command.question;
      next.slaEvents = [...ticket.slaEvents, { type: 'paused', at: now, reason: 'Rückfrage an Antragsteller' }];
      text = command.question;
      break;
    case 'answer':
      next.openQuestion = null;
      next.slaEvents = [...ticket.slaEvents, { type: 'resumed', at: now, reason: 'Antwort erhalten' }];
      text = command.answer;
      break;
    case 'mark-transferred':
      if (command.produktivVersion !== ticket.prozess.version) {
        return fail(
          'invalid-command',
          `Übernommen wurde ${command.produktivVersion}, beantragt war ${ticket.prozess.version}.`,
          [{ path: 'produktivVersion', message: `Muss „${ticket.prozess.version}“ sein.` }],
        );
      }
      next.produktivVersion = command.produktivVersion;
      if (command.inhaltsHash !== undefined) next.produktivHash = command.inhaltsHash;
      next.transferredAt = now;
      next.slaEvents = [...ticket.slaEvents, { type: 'stopped', at: now, reason: 'Auf Produktivsystem übernommen' }];
      text = command.note;
      break;
    case 'confirm':
      next.confirmedAt = now;
      text = command.note;
      break;
  }
  const entry: RolloutLogEntry = { at: now, actor: actor.id, command: command.type, from: ticket.status, to: rule.to };
  if (text !== undefined) entry.text = text;
  next.log = [...ticket.log, entry];
  return { ok: true, ticket: next };
}

/** The ticket's SLA (e.g. 5 working days, warning at 80 %) at `now`. */
export function rolloutSla(
  ticket: RolloutTicket,
  policy: SlaPolicy,
  now: Instant,
  calendar: WorkingCalendar = SAXON_CALENDAR,
): SlaClock {
  return computeSla(ticket.slaEvents, policy, now, calendar);
}
