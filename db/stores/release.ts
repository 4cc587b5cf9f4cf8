// Reads a release campaign back from PostgreSQL in the shape of the pure domain (release-campaign.ts), so the API
// and the campaign's final mail compute the same at-a-glance summary and CSV.
import type { Kysely, Selectable } from 'kysely';
import type { Database, ReleaseCampaignTable } from '../schema';
import type { DomainClock } from '../../domain/clock';
import type { Release, ReleaseCampaign, RecheckTask } from '../../domain/release/campaign';

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
