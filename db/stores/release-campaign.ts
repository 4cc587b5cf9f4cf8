// A release campaign in PostgreSQL: what its activities write (activities/release/campaign.ts) — the campaign row,
// one re-check row per Onlinedienst in Betrieb, the fan-out marks, the reminder rounds and the counts the workflow
// needs — and loadCampaign, which reads it back in the shape of the pure domain (domain/release/campaign.ts), so
// the API and the campaign's final mail compute the same at-a-glance summary and CSV.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, ReleaseCampaignTable, ReleaseRecheckTable } from '../schema';
import type { DomainClock } from '../../domain/clock';
import type {
  CampaignPolicy,
  OnlinedienstProfile,
  RecheckTask,
  Release,
  ReleaseCampaign,
} from '../../domain/release/campaign';

/** Rows per insert statement when the re-checks are planned. */
const CHUNK = 1000;

export interface NewCampaign {
  workflowId: string;
  release: Release;
  policy: CampaignPolicy;
  createdBy: string;
  createdAt: number;
  clock: DomainClock;
}

/** The campaign in planning; a second call for the version keeps the first. */
export async function insertCampaign(db: Kysely<Database>, c: NewCampaign): Promise<void> {
  await db
    .insertInto('release_campaign')
    .values({
      version: c.release.version,
      workflow_id: c.workflowId,
      release_date: c.release.releaseDate,
      changes: JSON.stringify(c.release.changes),
      policy: JSON.stringify(c.policy),
      clock: JSON.stringify(c.clock),
      created_by: c.createdBy,
      created_at: new Date(c.createdAt),
      status: 'planung',
      finished_at: null,
    })
    .onConflict((oc) => oc.column('version').doNothing())
    .execute();
}

/** The Onlinedienste a release concerns: in Betrieb and not ended, from the lifecycle projection. */
export async function listOnlinediensteInBetrieb(db: Kysely<Database>): Promise<OnlinedienstProfile[]> {
  const rows = await db
    .selectFrom('lifecycle')
    .select(['onlinedienst_id', 'name', 'prozesseigner', 'feature_tags'])
    .where('phase', '=', 'betrieb')
    .where('ended_at', 'is', null)
    .orderBy('onlinedienst_id')
    .execute();
  return rows.map((r) => ({
    onlinedienstId: r.onlinedienst_id,
    name: r.name,
    prozesseigner: r.prozesseigner,
    featureTags: r.feature_tags,
  }));
}

/** The planned re-checks, in chunks; rows that exist already (a retry) stay as they are. */
export async function insertRechecks(
  db: Kysely<Database>,
  version: string,
  tasks: readonly RecheckTask[],
): Promise<void> {
  for (let i = 0; i < tasks.length; i += CHUNK) {
    await db
      .insertInto('release_recheck')
      .values(
        tasks.slice(i, i + CHUNK).map((t) => ({
          version,
          onlinedienst_id: t.onlinedienstId,
          name: t.name,
          prozesseigner: t.prozesseigner,
          classification: t.classification,
          matching_change_ids: JSON.stringify(t.matchingChangeIds),
          breaking_change_ids: JSON.stringify(t.breakingChangeIds),
          due_at: new Date(t.dueAt),
          signalled_at: null,
          opened_at: null,
          not_applicable: null,
          result: null,
          finding: null,
          reported_at: null,
          reported_by: null,
          last_reminder_at: null,
        })),
      )
      .onConflict((oc) => oc.columns(['version', 'onlinedienst_id']).doNothing())
      .execute();
  }
}

export async function countRechecks(db: Kysely<Database>, version: string): Promise<{ total: number; recert: number }> {
  return db
    .selectFrom('release_recheck')
    .select([
      sql<number>`count(*)::int`.as('total'),
      sql<number>`(count(*) filter (where classification = 'recertification-required'))::int`.as('recert'),
    ])
    .where('version', '=', version)
    .executeTakeFirstOrThrow();
}

/** The campaign's distinct deadlines, earliest first. */
export async function listRecheckDueDates(db: Kysely<Database>, version: string): Promise<Date[]> {
  const rows = await db
    .selectFrom('release_recheck')
    .select('due_at')
    .distinct()
    .where('version', '=', version)
    .orderBy('due_at')
    .execute();
  return rows.map((r) => r.due_at);
}

export async function markCampaignPlanned(db: Kysely<Database>, version: string, total: number): Promise<void> {
  await db
    .updateTable('release_campaign')
    .set({ total, status: 'verteilung' })
    .where('version', '=', version)
    .execute();
}

/** The campaign row (throws when the version has no campaign). */
export async function getCampaign(db: Kysely<Database>, version: string): Promise<Selectable<ReleaseCampaignTable>> {
  return db.selectFrom('release_campaign').selectAll().where('version', '=', version).executeTakeFirstOrThrow();
}

/** The re-checks the fan-out has still to signal, by Onlinedienst. */
export async function listUnsignalledRechecks(
  db: Kysely<Database>,
  version: string,
): Promise<
  Array<
    Pick<
      Selectable<ReleaseRecheckTable>,
      'onlinedienst_id' | 'classification' | 'due_at' | 'matching_change_ids' | 'breaking_change_ids'
    >
  >
> {
  return db
    .selectFrom('release_recheck')
    .select(['onlinedienst_id', 'classification', 'due_at', 'matching_change_ids', 'breaking_change_ids'])
    .where('version', '=', version)
    .where('signalled_at', 'is', null)
    .where('not_applicable', 'is', null)
    .orderBy('onlinedienst_id')
    .execute();
}

export async function markRechecksSignalled(
  db: Kysely<Database>,
  version: string,
  onlinedienstIds: string[],
): Promise<void> {
  await db
    .updateTable('release_recheck')
    .set({ signalled_at: sql<Date>`now()` })
    .where('version', '=', version)
    .where('onlinedienst_id', 'in', onlinedienstIds)
    .execute();
}

/** Onlinedienste whose lifecycle no longer runs: signalled, and not applicable. */
export async function markRechecksNotRunning(
  db: Kysely<Database>,
  version: string,
  onlinedienstIds: string[],
): Promise<void> {
  await db
    .updateTable('release_recheck')
    .set({ not_applicable: 'Kein laufender Lebenszyklus', signalled_at: sql<Date>`now()` })
    .where('version', '=', version)
    .where('onlinedienst_id', 'in', onlinedienstIds)
    .execute();
}

export async function countSignalledRechecks(db: Kysely<Database>, version: string): Promise<number> {
  const row = await db
    .selectFrom('release_recheck')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('version', '=', version)
    .where('signalled_at', 'is not', null)
    .where('not_applicable', 'is', null)
    .executeTakeFirstOrThrow();
  return row.n;
}

export async function markCampaignRunning(db: Kysely<Database>, version: string, signalled: number): Promise<void> {
  await db
    .updateTable('release_campaign')
    .set({ signalled, status: 'laufend' })
    .where('version', '=', version)
    .execute();
}

/**
 * The applicable re-checks a digest names, with the Prozesseigner mailbox of each, by Onlinedienst. Reminders
 * (onlyOpen) name only those without a result; dueAt narrows to one deadline.
 */
export async function listRechecksToNotify(
  db: Kysely<Database>,
  version: string,
  filter: { onlyOpen: boolean; dueAt?: number },
) {
  let query = db
    .selectFrom('release_recheck')
    .innerJoin('lifecycle', 'lifecycle.onlinedienst_id', 'release_recheck.onlinedienst_id')
    .select([
      'release_recheck.onlinedienst_id as id',
      'release_recheck.name',
      'release_recheck.classification',
      'release_recheck.breaking_change_ids as breaking',
      'release_recheck.due_at',
      sql<string | null>`lifecycle.kontakte->>'prozesseigner'`.as('email'),
    ])
    .where('release_recheck.version', '=', version)
    .where('release_recheck.not_applicable', 'is', null);
  if (filter.onlyOpen) query = query.where('release_recheck.result', 'is', null);
  if (filter.dueAt !== undefined) query = query.where('release_recheck.due_at', '=', new Date(filter.dueAt));
  return query.orderBy('release_recheck.onlinedienst_id').execute();
}

/** Counts one reminder round per re-check: a retry at the same instant does not count it twice. */
export async function markRechecksReminded(
  db: Kysely<Database>,
  version: string,
  onlinedienstIds: string[],
  now: number,
): Promise<void> {
  await db
    .updateTable('release_recheck')
    .set({ reminders: sql<number>`reminders + 1`, last_reminder_at: new Date(now) })
    .where('version', '=', version)
    .where('onlinedienst_id', 'in', onlinedienstIds)
    .where((eb) => eb.or([eb('last_reminder_at', 'is', null), eb('last_reminder_at', '<', new Date(now))]))
    .execute();
}

/** Applicable re-checks without a result, and those of them past their deadline at `now`. */
export async function countOpenRechecks(
  db: Kysely<Database>,
  version: string,
  now: number,
): Promise<{ open: number; late: number }> {
  return db
    .selectFrom('release_recheck')
    .select([
      sql<number>`(count(*) filter (where result is null))::int`.as('open'),
      sql<number>`(count(*) filter (where result is null and due_at <= ${new Date(now)}))::int`.as('late'),
    ])
    .where('version', '=', version)
    .where('not_applicable', 'is', null)
    .executeTakeFirstOrThrow();
}

export async function markCampaignFinished(db: Kysely<Database>, version: string, now: number): Promise<void> {
  await db
    .updateTable('release_campaign')
    .set({ status: 'abgeschlossen', finished_at: new Date(now) })
    .where('version', '=', version)
    .execute();
}

export interface StoredCampaign {
  row: Selectable<ReleaseCampaignTable>;
  clock: DomainClock;
  campaign: ReleaseCampaign;
  /** Onlinedienste that had left Betrieb when the re-check reached them */
  notApplicable: Array<{ onlinedienstId: string; reason: string }>;
}

export async function loadCampaign(
  db: Kysely<Database>,
  version: string,
  filter: { prozesseigner?: string } = {},
): Promise<StoredCampaign | null> {
  const row = await db.selectFrom('release_campaign').selectAll().where('version', '=', version).executeTakeFirst();
  if (!row) return null;
  let query = db.selectFrom('release_recheck').selectAll().where('version', '=', version);
  if (filter.prozesseigner !== undefined) query = query.where('prozesseigner', '=', filter.prozesseigner);
  const rows = await query.orderBy('onlinedienst_id').execute();
  const release: Release = { version: row.version, releaseDate: row.release_date, changes: row.changes };
  const tasks: RecheckTask[] = [];
  const notApplicable: StoredCampaign['notApplicable'] = [];
  for (const r of rows) {
    if (r.not_applicable !== null) {
      notApplicable.push({ onlinedienstId: r.onlinedienst_id, reason: r.not_applicable });
      continue;
    }
    tasks.push({
      id: `${r.version}:${r.onlinedienst_id}`,
      releaseVersion: r.version,
      onlinedienstId: r.onlinedienst_id,
      name: r.name,
      prozesseigner: r.prozesseigner,
      classification: r.classification,
      matchingChangeIds: r.matching_change_ids,
      breakingChangeIds: r.breaking_change_ids,
      openedAt: (r.opened_at ?? row.created_at).getTime(),
      dueAt: r.due_at.getTime(),
      result: r.result,
      finding: r.finding,
      reportedAt: r.reported_at?.getTime() ?? null,
      reportedBy: r.reported_by,
    });
  }
  return { row, clock: row.clock, campaign: { release, createdAt: row.created_at.getTime(), tasks }, notApplicable };
}

/** Newest release first. */
export async function listCampaigns(db: Kysely<Database>): Promise<Array<Selectable<ReleaseCampaignTable>>> {
  return db.selectFrom('release_campaign').selectAll().orderBy('release_date', 'desc').execute();
}
