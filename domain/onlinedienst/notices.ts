// The mails of the Onlinedienst lifecycle as plain data: who gets which subject and text, under which key (a
// notice is sent at most once per key). The workflow decides when a notice is due; these functions say what it says.
import type { AbschaltungEntscheidung } from './events';
import { GATE_LABELS, type GateReport } from './gate-report';
import { PHASES, ROLE_LABELS, type Role } from './phases';
import type { OpenTask } from './tasks';
import { formatBerlin } from '../working-days';

/** A mail for a role, sent at most once per key. */
export interface Notice {
  key: string;
  role: Role;
  mandantId?: string;
  subject: string;
  text: string;
}

/** The Onlinedienst a notice is about; keys start with its workflow id. */
export interface NoticeContext {
  workflowId: string;
  onlinedienstId: string;
  name: string;
}

/** Tasks whose opening needs no mail: the yearly review is far off, release re-checks come as campaign digests. */
const QUIET_TASKS: readonly string[] = ['betriebspruefung', 'release-pruefung'];

export function taskOpenedNotice(c: NoticeContext, t: OpenTask): Notice {
  const notice: Notice = {
    key: `${c.workflowId}:aufgabe:${t.id}:${t.entry}:${t.attempt}`,
    role: t.role,
    subject: `Neue Aufgabe: ${t.title} – ${c.name}`,
    text:
      `Guten Tag,\n\nfür den Onlinedienst „${c.name}“ (${c.onlinedienstId}, Phase „${PHASES[t.phase].label}“) ist eine Aufgabe ` +
      `für die Rolle ${ROLE_LABELS[t.role]} offen:\n\n  ${t.title}\n  fällig am ${formatBerlin(t.dueAt)}\n\n` +
      `Ihre Amt24-Orchestrierung\n`,
  };
  if (t.mandant !== undefined) notice.mandantId = t.mandant;
  return notice;
}

/** One mail per newly opened task, except for the quiet ones. */
export function taskOpenedNotices(c: NoticeContext, opened: readonly OpenTask[]): Notice[] {
  return opened.filter((o) => !QUIET_TASKS.includes(o.templateId)).map((o) => taskOpenedNotice(c, o));
}

/** The `count`-th reminder of an overdue task. */
export function reminderNotice(c: NoticeContext, task: OpenTask, count: number): Notice {
  const notice: Notice = {
    key: `${c.workflowId}:erinnerung:${task.id}:${task.entry}:${task.attempt}:${count}`,
    role: task.role,
    subject: `Erinnerung: Aufgabe überfällig – ${task.title} (${c.name})`,
    text:
      `Guten Tag,\n\ndie Aufgabe „${task.title}“ für „${c.name}“ (${c.onlinedienstId}) war am ${formatBerlin(task.dueAt)} fällig ` +
      `und ist noch offen (${count}. Erinnerung).\n\nIhre Amt24-Orchestrierung\n`,
  };
  if (task.mandant !== undefined) notice.mandantId = task.mandant;
  return notice;
}

/** A failed gate check: the Prozesseigner and every Mandant whose activation failed; `seq` tells checks apart. */
export function gateFailureNotices(c: NoticeContext, report: GateReport, seq: number): Notice[] {
  const lines = [
    ...report.failures.map((f) => `- ${f.message}`),
    ...report.activations.flatMap((a) => a.failures.map((f) => `- Mandant ${a.mandantId}: ${f.message}`)),
  ].join('\n');
  const text =
    `Guten Tag,\n\ndie ${GATE_LABELS[report.gate]} für „${c.name}“ (${c.onlinedienstId}) ist nicht bestanden. ` +
    `Die Phase bleibt stehen, bis die Stammdaten gepflegt sind:\n\n${lines}\n\nIhre Amt24-Orchestrierung\n`;
  const subject = `Gate-Prüfung nicht bestanden: ${c.name}`;
  const notices: Notice[] = [{ key: `${c.workflowId}:gate:${seq}:pe`, role: 'prozesseigner', subject, text }];
  for (const a of report.activations.filter((x) => !x.passed)) {
    notices.push({
      key: `${c.workflowId}:gate:${seq}:${a.mandantId}`,
      role: 'mandant-admin',
      mandantId: a.mandantId,
      subject,
      text,
    });
  }
  return notices;
}

/** The announcement of the shutdown: Prozesseigner, AWB and every Mandant that activated the Onlinedienst. */
export function abschaltungNotices(
  c: NoticeContext,
  decision: AbschaltungEntscheidung,
  aktivierteMandanten: readonly string[],
): Notice[] {
  const text =
    `Guten Tag,\n\nder Onlinedienst „${c.name}“ (${c.onlinedienstId}) wird abgeschaltet.\nBegründung: ${decision.begruendung}\n` +
    (decision.ankuendigung ? `\n${decision.ankuendigung}\n` : '') +
    `\nNeue Anträge sind ab sofort nicht mehr möglich (Wartungsmodus). Offene Anträge werden ` +
    (decision.antraege === 'uebergeben' ? `an ${decision.uebergabeAn} übergeben.` : 'noch zu Ende bearbeitet.') +
    `\n\nIhre Amt24-Orchestrierung\n`;
  const subject = `Ankündigung: Abschaltung von „${c.name}“`;
  return [
    { key: `${c.workflowId}:abschaltung:pe`, role: 'prozesseigner', subject, text },
    { key: `${c.workflowId}:abschaltung:awb`, role: 'awb', subject, text },
    ...aktivierteMandanten.map((m): Notice => ({
      key: `${c.workflowId}:abschaltung:${m}`,
      role: 'mandant-admin',
      mandantId: m,
      subject,
      text,
    })),
  ];
}

/** Tells a Mandant which of its open Anträge go to the receiving office. */
export function uebergabeNotice(
  c: NoticeContext,
  mandantId: string,
  an: string | undefined,
  vorgangsnummern: readonly string[],
): Notice {
  return {
    key: `${c.workflowId}:uebergabe:${mandantId}`,
    role: 'mandant-admin',
    mandantId,
    subject: `Übergabe offener Anträge: ${c.name}`,
    text: `Guten Tag,\n\nfolgende offene Anträge gehen an ${an}:\n\n${vorgangsnummern.map((v) => `- ${v}`).join('\n')}\n\nIhre Amt24-Orchestrierung\n`,
  };
}
