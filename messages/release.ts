// Messages of the Amt24 release campaign workflow.
import { defineQuery } from '@temporalio/workflow';
import type { ClockSettings, DomainClock } from '../domain/clock';
import type { CampaignPolicy, Release } from '../domain/release/campaign';

export const releaseWorkflowId = (version: string) => `release-${version}`;

export interface CampaignSettings {
  clock?: ClockSettings | DomainClock;
  /** remind this long before each deadline (domain ms, default two days) */
  reminderLeadMs?: number;
  /** after a deadline, remind the late ones this often (default two days) … */
  lateReminderIntervalMs?: number;
  /** … this many times, then close the campaign with a final summary (default 3) */
  maxLateReminders?: number;
  /** signals in flight at once while asking every Onlinedienst for its re-check */
  fanoutConcurrency?: number;
  /** reminders per batch of the AWB's bulk "remind the late ones" (default 100) */
  erinnerungBatch?: number;
}

export interface ReleaseCampaignInput {
  release: Release;
  createdBy: string;
  policy?: CampaignPolicy;
  settings?: CampaignSettings;
}

export interface CampaignProgress {
  version: string;
  stage: 'planung' | 'verteilung' | 'laufend' | 'abgeschlossen';
  createdAt: number | null;
  total: number;
  recertificationRequired: number;
  regressionCheck: number;
  signalled: number;
  notInBetrieb: number;
  open: number | null;
  remindersSent: number;
  nextStepAt: number | null;
  clock: DomainClock;
}

export const campaignProgressQuery = defineQuery<CampaignProgress>('progress');

/** The AWB's "remind all late ones now" on one release: a bulk action of its own, one per action key. */
export const releaseErinnerungWorkflowId = (version: string, aktionId: string) =>
  `release-erinnerung-${version}-${aktionId}`;

export interface ReleaseErinnerungInput {
  version: string;
  /** the caller's key: the same key is the same action, and mails nobody twice */
  aktionId: string;
  actor: string;
  /** the campaign's domain time when the AWB asked: late means past its deadline then, without a result */
  stichtag: number;
  /** reminders per activity; the progress query moves on after each batch */
  batchGroesse?: number;
}

export interface ReleaseErinnerungFortschritt {
  version: string;
  aktionId: string;
  actor: string;
  stichtag: number;
  /** late re-checks when the action started */
  gesamt: number;
  /** reminder mails sent (or found sent by an earlier attempt of this action) */
  erinnert: number;
  /** late re-checks whose Onlinedienst names no Prozesseigner mailbox */
  ohnePostfach: number;
  fertig: boolean;
}

export const releaseErinnerungQuery = defineQuery<ReleaseErinnerungFortschritt>('releaseErinnerung');
