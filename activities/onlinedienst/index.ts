// The activities of the Onlinedienst lifecycle, its rollout tickets and the release campaigns.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { ActivityDeps } from '../deps';
import { appendAudit } from '../../db/stores/audit';
import { openAntraege } from '../../db/stores/antrag';
import { applyRetention, setAktivierung, type SetAktivierungInput } from './aktivierung';
import {
  fanOutReleaseChecks,
  finishCampaign,
  notifyCampaign,
  planCampaign,
  type CampaignNoticeInput,
  type PlanCampaignInput,
} from '../release/campaign';
import { releaseUeberfaelligeErinnern, releaseUeberfaelligeZaehlen } from '../release/erinnerung';
import { listVersionen } from '../../db/stores/formular';
import { loadGateData } from '../../db/stores/gate';
import {
  pruefeAenderungsumfang,
  uebertrageAufProduktion,
  zertifiziereAufEntwicklung,
  zertifiziereDurchPruefer,
} from './formular';
import { sendNotices, type NoticeInput } from './notify';
import {
  recordLifecycle,
  recordReleaseCheckOpened,
  type RecordLifecycleInput,
  type ReleaseCheckOpenedInput,
} from './projection';
import { recordRolloutTicket, type RecordRolloutInput } from '../rollout/projection';

async function antraegeByMandant(db: Kysely<Database>, onlinedienstId: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const r of await openAntraege(db, onlinedienstId)) (out[r.mandant_id] ??= []).push(r.vorgangsnummer);
  return out;
}

export function createLifecycleActivities(deps: ActivityDeps) {
  return {
    async recordLifecycle(input: RecordLifecycleInput): Promise<void> {
      await recordLifecycle(deps.db, input);
    },
    async recordReleaseCheckOpened(input: ReleaseCheckOpenedInput): Promise<void> {
      await recordReleaseCheckOpened(deps.db, input);
    },
    async notifyLifecycle(input: { onlinedienstId: string; notices: NoticeInput[] }) {
      return sendNotices(deps, input.onlinedienstId, input.notices);
    },
    async loadGateData(input: { onlinedienstId: string }) {
      return loadGateData(deps.db, input.onlinedienstId);
    },
    async setAktivierung(input: SetAktivierungInput) {
      return setAktivierung(deps, input);
    },
    async countOpenAntraege(input: { onlinedienstId: string }): Promise<number> {
      return (await openAntraege(deps.db, input.onlinedienstId)).length;
    },
    /** Hands the open Anträge over (recorded with their Vorgangsnummern); the workflow tells each zuständige Stelle. */
    async handOverAntraege(input: {
      workflowId: string;
      onlinedienstId: string;
      an: string;
      actor: string;
      key: string;
    }) {
      const byMandant = await antraegeByMandant(deps.db, input.onlinedienstId);
      await appendAudit(deps.db, {
        actor: input.actor,
        action: 'onlinedienst.antraege.uebergeben',
        subjectType: 'onlinedienst',
        subjectId: input.onlinedienstId,
        details: { an: input.an, antraege: byMandant },
        idempotencyKey: input.key,
      });
      return byMandant;
    },
    async applyRetention(input: {
      workflowId: string;
      onlinedienstId: string;
      actor: string;
      loeschkonzept: string | null;
      key: string;
    }) {
      return applyRetention(deps.db, input);
    },
    async zertifiziereAufEntwicklung(input: { onlinedienstId: string }) {
      return zertifiziereAufEntwicklung(deps, input);
    },
    /** Whether the Onlinedienst's form+process definition is stored here (built elsewhere: none). */
    async hatFormularVersionen(input: { onlinedienstId: string }): Promise<boolean> {
      return (await listVersionen(deps.db, input.onlinedienstId)).length > 0;
    },
    async pruefeAenderungsumfang(input: { onlinedienstId: string }) {
      return pruefeAenderungsumfang(deps, input);
    },
    async zertifiziereDurchPruefer(input: {
      onlinedienstId: string;
      by: string;
      zertifikat: string;
      contentHash?: string;
    }) {
      return zertifiziereDurchPruefer(deps, input);
    },
    async uebertrageAufProduktion(input: {
      onlinedienstId: string;
      version: string;
      contentHash: string;
      by: string;
      ticketId: string;
    }): Promise<void> {
      await uebertrageAufProduktion(deps, input);
    },
    async recordRolloutTicket(input: RecordRolloutInput): Promise<void> {
      await recordRolloutTicket(deps.db, input);
    },
    async notifyRollout(input: { onlinedienstId: string; notices: NoticeInput[] }) {
      return sendNotices(deps, input.onlinedienstId, input.notices);
    },
    async planCampaign(input: PlanCampaignInput) {
      return planCampaign(deps, input);
    },
    async fanOutReleaseChecks(input: { version: string; concurrency: number }) {
      return fanOutReleaseChecks(deps, input);
    },
    async notifyCampaign(input: CampaignNoticeInput) {
      return notifyCampaign(deps, input);
    },
    async finishCampaign(input: { version: string; now: number }) {
      return finishCampaign(deps, input);
    },
    async releaseUeberfaelligeZaehlen(input: Parameters<typeof releaseUeberfaelligeZaehlen>[1]) {
      return releaseUeberfaelligeZaehlen(deps, input);
    },
    async releaseUeberfaelligeErinnern(input: Parameters<typeof releaseUeberfaelligeErinnern>[1]) {
      return releaseUeberfaelligeErinnern(deps, input);
    },
  };
}

export type LifecycleActivities = ReturnType<typeof createLifecycleActivities>;
