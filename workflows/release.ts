// One campaign per Amt24 release: plan a re-check for every Onlinedienst in Betrieb (breaking changes that touch
// its features require recertification, the others a regression check), ask each lifecycle to open the task,
// then remind before each deadline and chase the late ones, and close with a summary for the AWB. The fan-out
// runs in an activity, so however many Onlinedienste there are, this workflow's history holds a handful of events.
import { proxyActivities, setHandler, sleep, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { domainNow, realDelayMs, resolveClock } from '../domain/clock';
import { DEFAULT_CAMPAIGN_POLICY, type CampaignSummary } from '../domain/release/campaign';
import { campaignSchedule } from '../domain/release/schedule';
import { campaignProgressQuery, type CampaignProgress, type ReleaseCampaignInput } from '../messages/release';
import { ReleaseCheckStateKey } from '../messages/search-attributes';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '5 minutes' },
});
const fanOut = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const DAY = 86_400_000;

export async function releaseCampaignWorkflow(input: ReleaseCampaignInput): Promise<CampaignSummary> {
  const workflowId = workflowInfo().workflowId;
  const settings = input.settings ?? {};
  const version = input.release.version;
  const clock = resolveClock(settings.clock, Date.now());
  const now = () => domainNow(clock, Date.now());
  const policy = input.policy ?? DEFAULT_CAMPAIGN_POLICY;

  const progress: CampaignProgress = {
    version,
    stage: 'planung',
    createdAt: null,
    total: 0,
    recertificationRequired: 0,
    regressionCheck: 0,
    signalled: 0,
    notInBetrieb: 0,
    open: null,
    remindersSent: 0,
    nextStepAt: null,
    clock,
  };
  setHandler(campaignProgressQuery, () => progress);
  upsertSearchAttributes([{ key: ReleaseCheckStateKey, value: 'laufend' }]);

  const createdAt = now();
  progress.createdAt = createdAt;
  const plan = await acts.planCampaign({
    workflowId,
    release: input.release,
    policy,
    createdBy: input.createdBy,
    createdAt,
    clock,
  });
  Object.assign(progress, {
    stage: 'verteilung',
    total: plan.total,
    recertificationRequired: plan.recertificationRequired,
    regressionCheck: plan.regressionCheck,
  });

  const fan = await fanOut.fanOutReleaseChecks({ version, concurrency: settings.fanoutConcurrency ?? 64 });
  Object.assign(progress, { stage: 'laufend', signalled: fan.signalled, notInBetrieb: fan.notRunning });

  const announced = await acts.notifyCampaign({ version, kind: 'ankuendigung', now: now() });
  progress.remindersSent += announced.mailed;
  progress.open = announced.open;

  const steps = campaignSchedule(
    plan.dueAts,
    createdAt,
    settings.reminderLeadMs ?? 2 * DAY,
    settings.lateReminderIntervalMs ?? 2 * DAY,
    settings.maxLateReminders ?? 3,
  );
  for (const step of steps) {
    if (progress.open === 0) break;
    progress.nextStepAt = step.at;
    const t = now();
    if (step.at > t) await sleep(realDelayMs(clock, t, step.at));
    const r = await acts.notifyCampaign({ version, kind: step.kind, dueAt: step.dueAt, round: step.round, now: now() });
    progress.remindersSent += r.mailed;
    progress.open = r.open;
  }
  progress.nextStepAt = null;

  const summary = await acts.finishCampaign({ version, now: now() });
  progress.stage = 'abgeschlossen';
  upsertSearchAttributes([{ key: ReleaseCheckStateKey, value: 'abgeschlossen' }]);
  return summary;
}
