// The release campaign's side effects: plan the re-checks from the lifecycle projection, ask every Onlinedienst
// in Betrieb for its re-check (signals from here with bounded concurrency, so the campaign's own history stays
// small however many there are), and send the Prozesseigner digests: announcement, reminder, lateness.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ActivityDeps } from '../deps';
import { required } from '../deps';
import { appendAudit } from '../../db/stores/audit';
import { sendNotificationOnce } from '../mail';
import type { DomainClock } from '../../domain/clock';
import {
  CLASSIFICATION_LABELS,
  planReleaseCampaign,
  summarizeCampaign,
  type CampaignPolicy,
  type CampaignSummary,
  type Release,
} from '../../domain/release/campaign';
import { formatBerlin } from '../../domain/working-days';
import { lifecycleWorkflowId, openReleaseCheckSignal, type ReleaseCheckNotice } from '../../messages/onlinedienst';
import { loadCampaign } from '../../db/stores/release-campaign';
import {
  countOpenRechecks,
  countRechecks,
  countSignalledRechecks,
  getCampaign,
  insertCampaign,
  insertRechecks,
  listOnlinediensteInBetrieb,
  listRecheckDueDates,
  listRechecksToNotify,
  listUnsignalledRechecks,
  markCampaignFinished,
  markCampaignPlanned,
  markCampaignRunning,
  markRechecksNotRunning,
  markRechecksReminded,
  markRechecksSignalled,
} from '../../db/stores/release-campaign';
import { DEFAULT_AWB_EMAIL } from '../onlinedienst/recipients';

export interface PlanCampaignInput {
  workflowId: string;
  release: Release;
  policy: CampaignPolicy;
  createdBy: string;
  createdAt: number;
  clock: DomainClock;
}

export interface PlanCampaignResult {
  total: number;
  recertificationRequired: number;
  regressionCheck: number;
  /** distinct deadlines, earliest first */
  dueAts: number[];
}

export async function planCampaign(deps: ActivityDeps, input: PlanCampaignInput): Promise<PlanCampaignResult> {
  const { db } = deps;
  const version = input.release.version;
  await insertCampaign(db, {
    workflowId: input.workflowId,
    release: input.release,
    policy: input.policy,
    createdBy: input.createdBy,
    createdAt: input.createdAt,
    clock: input.clock,
  });
  const profiles = await listOnlinediensteInBetrieb(db);
  const planned = planReleaseCampaign(input.release, profiles, input.createdAt, input.policy);
  if (!planned.ok) throw new Error(`release ${version} cannot be planned: ${planned.error.message}`);
  const tasks = planned.campaign.tasks;
  await insertRechecks(db, version, tasks);
  const counts = await countRechecks(db, version);
  const dues = await listRecheckDueDates(db, version);
  await markCampaignPlanned(db, version, counts.total);
  await appendAudit(db, {
    actor: input.createdBy,
    action: 'release.kampagne.geplant',
    subjectType: 'release',
    subjectId: version,
    details: { total: counts.total, recertificationRequired: counts.recert, releaseDate: input.release.releaseDate },
    idempotencyKey: `${input.workflowId}:geplant`,
  });
  return {
    total: counts.total,
    recertificationRequired: counts.recert,
    regressionCheck: counts.total - counts.recert,
    dueAts: dues.map((d) => d.getTime()),
  };
}

export interface FanOutResult {
  signalled: number;
  notRunning: number;
}

/**
 * Signals every not yet signalled Onlinedienst of the campaign. Resumable: a retry continues with the rows that
 * have no signalled_at; a duplicate signal is ignored by the lifecycle (the task exists). Heartbeats report
 * progress; marks are written in batches.
 */
export async function fanOutReleaseChecks(
  deps: ActivityDeps,
  input: { version: string; concurrency: number },
): Promise<FanOutResult> {
  const { db } = deps;
  const client = required(deps, 'temporal');
  const ctx = Context.current();
  const campaign = await getCampaign(db, input.version);
  const rows = await listUnsignalledRechecks(db, input.version);
  let next = 0;
  let signalled = 0;
  let notRunning = 0;
  let pendingMarks: string[] = [];
  const missing: string[] = [];
  let flushing: Promise<void> = Promise.resolve();

  const flush = async () => {
    const ids = pendingMarks;
    pendingMarks = [];
    if (ids.length === 0) return;
    await markRechecksSignalled(db, input.version, ids);
  };
  const heartbeat = setInterval(() => {
    ctx.heartbeat({ signalled, notRunning, total: rows.length });
    flushing = flushing.then(flush);
  }, 500);
  try {
    const lane = async () => {
      while (next < rows.length) {
        if (ctx.cancellationSignal.aborted) return;
        const row = rows[next++]!;
        const notice: ReleaseCheckNotice = {
          version: input.version,
          releaseDate: campaign.release_date,
          dueAt: row.due_at.getTime(),
          classification: row.classification,
          matchingChangeIds: row.matching_change_ids,
          breakingChangeIds: row.breaking_change_ids,
        };
        try {
          await client.workflow
            .getHandle(lifecycleWorkflowId(row.onlinedienst_id))
            .signal(openReleaseCheckSignal, notice);
          signalled += 1;
          pendingMarks.push(row.onlinedienst_id);
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          notRunning += 1;
          missing.push(row.onlinedienst_id);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(input.concurrency, rows.length)) }, lane));
  } finally {
    clearInterval(heartbeat);
    await flushing;
  }
  await flush();
  if (missing.length > 0) {
    await markRechecksNotRunning(db, input.version, missing);
  }
  const total = await countSignalledRechecks(db, input.version);
  await markCampaignRunning(db, input.version, total);
  return { signalled: total, notRunning };
}

export interface CampaignNoticeInput {
  version: string;
  kind: 'ankuendigung' | 'erinnerung' | 'ueberfaellig';
  /** the deadline the reminder is about (erinnerung, ueberfaellig) */
  dueAt?: number;
  round?: number;
  now: number;
}

export interface CampaignNoticeResult {
  mailed: number;
  /** re-checks without a result (recertifying counts as answered) */
  open: number;
  late: number;
}

export async function notifyCampaign(deps: ActivityDeps, input: CampaignNoticeInput): Promise<CampaignNoticeResult> {
  const { db } = deps;
  const campaign = await getCampaign(db, input.version);
  const rows = await listRechecksToNotify(db, input.version, {
    onlyOpen: input.kind !== 'ankuendigung',
    dueAt: input.dueAt,
  });

  const byMailbox = new Map<string, typeof rows>();
  for (const row of rows) {
    if (!row.email) continue;
    const list = byMailbox.get(row.email);
    if (list) list.push(row);
    else byMailbox.set(row.email, [row]);
  }
  const changes = new Map(campaign.changes.map((c) => [c.id, c.title]));
  const line = (r: (typeof rows)[number]) =>
    `- ${r.name} (${r.id}): ${CLASSIFICATION_LABELS[r.classification]}, Frist ${formatBerlin(r.due_at.getTime())}` +
    (r.breaking.length > 0 ? `\n  Breaking Changes: ${r.breaking.map((id) => changes.get(id) ?? id).join('; ')}` : '');
  const subjects = {
    ankuendigung: `Amt24-Release ${input.version}: Bitte prüfen Sie Ihre Onlinedienste`,
    erinnerung: `Erinnerung: Prüfung nach Amt24-Release ${input.version} bald fällig`,
    ueberfaellig: `Überfällig: Prüfung nach Amt24-Release ${input.version}`,
  };
  const intro = {
    ankuendigung: `am ${campaign.release_date} erscheint Amt24-Release ${input.version}. Bitte prüfen Sie, ob Ihre Onlinedienste weiterhin lauffähig sind, und melden Sie das Ergebnis in der Aufgabe „Prozess nach neuem Amt24-Release prüfen“:`,
    erinnerung: `die Prüfung folgender Onlinedienste nach Amt24-Release ${input.version} ist bald fällig:`,
    ueberfaellig: `die Prüfung folgender Onlinedienste nach Amt24-Release ${input.version} ist überfällig. Bitte holen Sie sie umgehend nach:`,
  };
  let mailed = 0;
  const suffix = input.kind === 'ankuendigung' ? '' : `:${input.dueAt ?? ''}:${input.round ?? 0}`;
  for (const [email, list] of byMailbox) {
    await sendNotificationOnce(db, deps.mailer, 'amt24.sachsen.de', {
      idempotencyKey: `release:${input.version}:${input.kind}${suffix}:${email}`,
      to: email,
      subject: subjects[input.kind],
      text: `Guten Tag,\n\n${intro[input.kind]}\n\n${list.map(line).join('\n')}\n\nIhre Anwendungsbetreuung Amt24\n`,
    });
    mailed += 1;
  }
  if (input.kind !== 'ankuendigung' && rows.length > 0) {
    await markRechecksReminded(
      db,
      input.version,
      rows.map((r) => r.id),
      input.now,
    );
  }
  const counts = await countOpenRechecks(db, input.version, input.now);
  if (input.kind === 'ueberfaellig' && counts.late > 0) {
    await sendNotificationOnce(db, deps.mailer, 'amt24.sachsen.de', {
      idempotencyKey: `release:${input.version}:awb-ueberfaellig${suffix}`,
      to: deps.awbEmail ?? DEFAULT_AWB_EMAIL,
      subject: `Release ${input.version}: ${counts.late} Prüfungen überfällig`,
      text: `Stand ${formatBerlin(input.now)}: ${counts.late} Prüfungen nach Release ${input.version} sind überfällig, ${counts.open} insgesamt offen.\n`,
    });
  }
  return { mailed, open: counts.open, late: counts.late };
}

export async function finishCampaign(
  deps: ActivityDeps,
  input: { version: string; now: number },
): Promise<CampaignSummary> {
  const stored = await loadCampaign(deps.db, input.version);
  if (!stored) throw new Error(`unknown campaign ${input.version}`);
  const summary = summarizeCampaign(stored.campaign, input.now);
  await markCampaignFinished(deps.db, input.version, input.now);
  await sendNotificationOnce(deps.db, deps.mailer, 'amt24.sachsen.de', {
    idempotencyKey: `release:${input.version}:abschluss`,
    to: deps.awbEmail ?? DEFAULT_AWB_EMAIL,
    subject: `Release ${input.version}: Abschluss der Prüfkampagne`,
    text:
      `Prüfkampagne zu Release ${input.version} (Stand ${formatBerlin(input.now)}):\n\n` +
      `Geprüft, in Ordnung: ${summary.checkedOk}\nBefund: ${summary.failedWithFinding}\nIn Rezertifizierung: ${summary.recertifying}\n` +
      `Überfällig: ${summary.late}\nNoch nicht geprüft: ${summary.notStarted}\n`,
  });
  return summary;
}
