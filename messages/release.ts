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
