// An Amt24 release campaign: every Onlinedienst in Betrieb is re-checked by its Prozesseigner; those touched by a
// breaking change are flagged for recertification. The AWB sees at a glance who checked, who failed, who is late.
import { z } from 'zod';
import { isoDate, lazySchema, nonEmpty, parseFields, type FieldError } from '../field-errors';
import type { Actor } from '../onlinedienst/task-catalog';
import {
  deadlineFrom,
  formatBerlin,
  SAXON_CALENDAR,
  startOfBerlinDay,
  type DeadlineSpec,
  type Instant,
  type IsoDate,
  type WorkingCalendar,
} from '../working-days';

export const releaseSchema = lazySchema(() =>
  z.strictObject({
    version: nonEmpty(),
    /** Berlin calendar date of the release */
    releaseDate: isoDate(),
    changes: z.array(
      z.strictObject({
        id: nonEmpty(),
        title: nonEmpty(),
        tags: z.array(nonEmpty()),
        breaking: z.boolean(),
        description: z.string().optional(),
      }),
    ),
  }),
);

export type Release = z.output<ReturnType<typeof releaseSchema>>;
export type ReleaseChange = Release['changes'][number];

export interface OnlinedienstProfile {
  onlinedienstId: string;
  name: string;
  prozesseigner?: string;
  /** e.g. 'payment', 'xfall', 'fitconnect', 'form:upload' */
  featureTags: readonly string[];
}

export type RecheckClassification = 'recertification-required' | 'regression-check';

export const CLASSIFICATION_LABELS: Readonly<Record<RecheckClassification, string>> = {
  'recertification-required': 'Rezertifizierung erforderlich',
  'regression-check': 'Regressionsprüfung',
};

const normalise = (tag: string) => tag.trim().toLowerCase();

/**
 * Tags are hierarchical with ':' ('form' ⊃ 'form:upload'). A change tag matches a feature tag if either is the
 * other or an ancestor of it: a change to the whole form engine touches upload forms, and an Onlinedienst that
 * only declares 'form' is conservatively assumed to use 'form:upload'. '*' marks a platform-wide change.
 */
export function tagMatches(changeTag: string, featureTag: string): boolean {
  const c = normalise(changeTag);
  const f = normalise(featureTag);
  return c === '*' || c === f || f.startsWith(`${c}:`) || c.startsWith(`${f}:`);
}

export interface Classification {
  classification: RecheckClassification;
  /** changes whose tags touch the Onlinedienst's features */
  matchingChanges: ReleaseChange[];
  /** the breaking ones among them: the reason for recertification */
  breakingChanges: ReleaseChange[];
}

/** A breaking change that touches one of the Onlinedienst's features requires recertification. */
export function classifyOnlinedienst(release: Release, onlinedienst: OnlinedienstProfile): Classification {
  const matchingChanges = release.changes.filter((change) =>
    change.tags.some((tag) => onlinedienst.featureTags.some((feature) => tagMatches(tag, feature))),
  );
  const breakingChanges = matchingChanges.filter((c) => c.breaking);
  return {
    classification: breakingChanges.length > 0 ? 'recertification-required' : 'regression-check',
    matchingChanges,
    breakingChanges,
  };
}

export interface CampaignPolicy {
  /** deadline of a regression check, counted from 00:00 of the release date */
  regressionCheck: DeadlineSpec;
  /** deadline for Onlinedienste that need recertification (time to adapt) */
  recertification: DeadlineSpec;
}

export const DEFAULT_CAMPAIGN_POLICY: CampaignPolicy = {
  regressionCheck: { amount: 5, unit: 'working-days' },
  recertification: { amount: 20, unit: 'working-days' },
};

export type RecheckResult = 'ok' | 'finding' | 'recertifying' | 'recertified';

export interface RecheckTask {
  /** `${releaseVersion}:${onlinedienstId}` */
  id: string;
  releaseVersion: string;
  onlinedienstId: string;
  name: string;
  prozesseigner: string | null;
  classification: RecheckClassification;
  matchingChangeIds: string[];
  breakingChangeIds: string[];
  openedAt: Instant;
  dueAt: Instant;
  result: RecheckResult | null;
  finding: string | null;
  reportedAt: Instant | null;
  reportedBy: string | null;
}

export interface ReleaseCampaign {
  release: Release;
  createdAt: Instant;
  tasks: RecheckTask[];
}

export type CampaignErrorCode =
  'invalid-release' | 'unknown-onlinedienst' | 'invalid-report' | 'wrong-role' | 'invalid-transition';

export interface CampaignError {
  code: CampaignErrorCode;
  message: string;
  fieldErrors?: FieldError[];
}

export type CampaignResult = { ok: true; campaign: ReleaseCampaign } | { ok: false; error: CampaignError };

function fail(
  code: CampaignErrorCode,
  message: string,
  fieldErrors?: FieldError[],
): { ok: false; error: CampaignError } {
  return { ok: false, error: fieldErrors ? { code, message, fieldErrors } : { code, message } };
}

/** The deadline of a re-check, relative to 00:00 Berlin of the release date. */
export function recheckDueAt(
  releaseDate: IsoDate,
  classification: RecheckClassification,
  policy: CampaignPolicy = DEFAULT_CAMPAIGN_POLICY,
  calendar: WorkingCalendar = SAXON_CALENDAR,
): Instant {
  const spec = classification === 'recertification-required' ? policy.recertification : policy.regressionCheck;
  return deadlineFrom(startOfBerlinDay(releaseDate), spec, calendar);
}

/** One re-check task per Onlinedienst (pass those in Betrieb). */
export function planReleaseCampaign(
  releaseInput: unknown,
  onlinedienste: readonly OnlinedienstProfile[],
  now: Instant,
  policy: CampaignPolicy = DEFAULT_CAMPAIGN_POLICY,
  calendar: WorkingCalendar = SAXON_CALENDAR,
): CampaignResult {
  const parsed = parseFields(releaseSchema(), releaseInput);
  if (!parsed.ok)
    return fail('invalid-release', 'Die Release-Angaben sind unvollständig oder ungültig.', parsed.fieldErrors);
  const release = parsed.data;
  const seen = new Set<string>();
  const tasks: RecheckTask[] = [];
  for (const od of onlinedienste) {
    if (seen.has(od.onlinedienstId)) continue;
    seen.add(od.onlinedienstId);
    const c = classifyOnlinedienst(release, od);
    tasks.push({
      id: `${release.version}:${od.onlinedienstId}`,
      releaseVersion: release.version,
      onlinedienstId: od.onlinedienstId,
      name: od.name,
      prozesseigner: od.prozesseigner ?? null,
      classification: c.classification,
      matchingChangeIds: c.matchingChanges.map((x) => x.id),
      breakingChangeIds: c.breakingChanges.map((x) => x.id),
      openedAt: now,
      dueAt: recheckDueAt(release.releaseDate, c.classification, policy, calendar),
      result: null,
      finding: null,
      reportedAt: null,
      reportedBy: null,
    });
  }
  return { ok: true, campaign: { release, createdAt: now, tasks } };
}

export const recheckReportSchema = z
  .strictObject({ result: z.enum(['ok', 'finding', 'recertifying', 'recertified']), finding: z.string().optional() })
  .superRefine((v, ctx) => {
    if ((v.result === 'finding' || v.result === 'recertifying') && (v.finding ?? '').trim() === '') {
      ctx.addIssue({ code: 'custom', path: ['finding'], message: 'Befund angeben.', input: v.finding });
    }
  });

export type RecheckReport = z.output<typeof recheckReportSchema>;

/** Maps the lifecycle's 'release-pruefung' result onto the campaign. */
export function reportFromReleasePruefung(fields: { ergebnis: string; befunde?: string }): RecheckReport {
  const finding = fields.befunde;
  if (fields.ergebnis === 'rezertifizierung-erforderlich')
    return { result: 'recertifying', finding: finding ?? 'Rezertifizierung erforderlich' };
  if (fields.ergebnis === 'angepasst') return { result: 'finding', finding: finding ?? 'Anpassung nötig' };
  return finding ? { result: 'ok', finding } : { result: 'ok' };
}

/** The Prozesseigner reports the re-check of one Onlinedienst. */
export function recordRecheck(
  campaign: ReleaseCampaign,
  onlinedienstId: string,
  reportInput: unknown,
  actor: Actor,
  now: Instant,
): CampaignResult {
  if (!actor.roles.includes('prozesseigner')) return fail('wrong-role', 'Die Prüfung meldet der Prozesseigner.');
  const task = campaign.tasks.find((t) => t.onlinedienstId === onlinedienstId);
  if (!task) return fail('unknown-onlinedienst', `Onlinedienst ${onlinedienstId} gehört nicht zu dieser Kampagne.`);
  const parsed = parseFields(recheckReportSchema, reportInput);
  if (!parsed.ok) return fail('invalid-report', 'Die Meldung ist unvollständig.', parsed.fieldErrors);
  const report = parsed.data;
  if (report.result === 'recertified' && task.result !== 'recertifying') {
    return fail('invalid-transition', 'Abgeschlossene Rezertifizierung nur nach begonnener Rezertifizierung.');
  }
  const updated: RecheckTask = {
    ...task,
    result: report.result,
    finding: report.finding?.trim() ? report.finding.trim() : task.finding,
    reportedAt: now,
    reportedBy: actor.id,
  };
  return { ok: true, campaign: { ...campaign, tasks: campaign.tasks.map((t) => (t === task ? updated : t)) } };
}

export type RecheckCategory = 'checked-ok' | 'failed-with-finding' | 'recertifying' | 'late' | 'not-started';

export const CATEGORY_LABELS: Readonly<Record<RecheckCategory, string>> = {
  'checked-ok': 'Geprüft, in Ordnung',
  'failed-with-finding': 'Befund',
  recertifying: 'In Rezertifizierung',
  late: 'Überfällig',
  'not-started': 'Noch nicht geprüft',
};

export function recheckCategory(task: Pick<RecheckTask, 'result' | 'dueAt'>, now: Instant): RecheckCategory {
  switch (task.result) {
    case 'ok':
    case 'recertified':
      return 'checked-ok';
    case 'finding':
      return 'failed-with-finding';
    case 'recertifying':
      return 'recertifying';
    case null:
      return now >= task.dueAt ? 'late' : 'not-started';
  }
}

export interface CampaignSummary {
  releaseVersion: string;
  total: number;
  checkedOk: number;
  failedWithFinding: number;
  recertifying: number;
  late: number;
  notStarted: number;
  recertificationRequired: number;
  regressionCheck: number;
  /** earliest deadline after `now` among unanswered tasks (sleep until then), or null */
  nextDueAt: Instant | null;
}

export function summarizeCampaign(campaign: ReleaseCampaign, now: Instant): CampaignSummary {
  const summary: CampaignSummary = {
    releaseVersion: campaign.release.version,
    total: campaign.tasks.length,
    checkedOk: 0,
    failedWithFinding: 0,
    recertifying: 0,
    late: 0,
    notStarted: 0,
    recertificationRequired: 0,
    regressionCheck: 0,
    nextDueAt: null,
  };
  for (const task of campaign.tasks) {
    const category = recheckCategory(task, now);
    if (category === 'checked-ok') summary.checkedOk++;
    else if (category === 'failed-with-finding') summary.failedWithFinding++;
    else if (category === 'recertifying') summary.recertifying++;
    else if (category === 'late') summary.late++;
    else summary.notStarted++;
    if (task.classification === 'recertification-required') summary.recertificationRequired++;
    else summary.regressionCheck++;
    if (task.result === null && task.dueAt > now && (summary.nextDueAt === null || task.dueAt < summary.nextDueAt)) {
      summary.nextDueAt = task.dueAt;
    }
  }
  return summary;
}

export interface CsvOptions {
  /** ',' (RFC 4180, default) or ';' (what German Excel expects) */
  delimiter?: ',' | ';';
  /** prefix cells starting with = + - @ so spreadsheets do not run them as formulas; default true */
  protectFormulas?: boolean;
}

export function csvCell(value: string, options: CsvOptions = {}): string {
  const delimiter = options.delimiter ?? ',';
  let text = value;
  if ((options.protectFormulas ?? true) && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  const needsQuotes = text.includes(delimiter) || text.includes('"') || text.includes('\n') || text.includes('\r');
  return needsQuotes ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180: CRLF line ends, fields with delimiter, quote or line break quoted, quotes doubled. */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<string>>, options: CsvOptions = {}): string {
  const delimiter = options.delimiter ?? ',';
  return rows.map((row) => row.map((cell) => csvCell(cell, options)).join(delimiter)).join('\r\n') + '\r\n';
}

export const CAMPAIGN_CSV_HEADER = [
  'Release',
  'Onlinedienst-ID',
  'Onlinedienst',
  'Prozesseigner',
  'Einstufung',
  'Betroffene Änderungen',
  'Frist',
  'Status',
  'Befund',
  'Gemeldet am',
] as const;

/** The campaign as CSV for the AWB (times in Berlin time). */
export function renderCampaignCsv(campaign: ReleaseCampaign, now: Instant, options: CsvOptions = {}): string {
  const rows: string[][] = [[...CAMPAIGN_CSV_HEADER]];
  for (const t of campaign.tasks) {
    rows.push([
      t.releaseVersion,
      t.onlinedienstId,
      t.name,
      t.prozesseigner ?? '',
      CLASSIFICATION_LABELS[t.classification],
      t.matchingChangeIds.join(', '),
      formatBerlin(t.dueAt),
      CATEGORY_LABELS[recheckCategory(t, now)],
      t.finding ?? '',
      t.reportedAt === null ? '' : formatBerlin(t.reportedAt),
    ]);
  }
  return toCsv(rows, options);
}
