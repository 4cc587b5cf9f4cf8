// Where an Antrag's time from its start to its delivery went, read from its history's timestamps: waiting on the
// server for a worker (a workflow or activity task scheduled, not yet started: what fairness orders) versus running
// on the worker (started, not yet completed: the process's slots, its CPU, PostgreSQL, the Fachverfahren).
import type { Client } from '@temporalio/client';
import { percentile } from './load';

export interface WaitBreakdown {
  /** workflow and activity tasks scheduled → started */
  queuedMs: number;
  /** workflow tasks started → completed */
  workflowTaskMs: number;
  /** activities started → completed (or failed) */
  activityMs: number;
  /** workflow start → the delivery's completion */
  totalMs: number;
}

type Event = NonNullable<
  Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']
>[number];

const at = (e: Event) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6);

/** The breakdown of one run, up to the completion of its `zustellen` activity (undefined: not delivered). */
export async function waitBreakdown(client: Client, workflowId: string): Promise<WaitBreakdown | undefined> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const byId = new Map(events.map((e) => [String(e.eventId), e]));
  const out = { queuedMs: 0, workflowTaskMs: 0, activityMs: 0, totalMs: 0 };
  let zustellenId: string | undefined;
  for (const e of events) {
    const wftStarted = e.workflowTaskStartedEventAttributes;
    const wftDone = e.workflowTaskCompletedEventAttributes;
    const actStarted = e.activityTaskStartedEventAttributes;
    const actDone = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes;
    if (wftStarted) out.queuedMs += at(e) - at(byId.get(String(wftStarted.scheduledEventId))!);
    if (wftDone) out.workflowTaskMs += at(e) - at(byId.get(String(wftDone.startedEventId))!);
    if (e.activityTaskScheduledEventAttributes?.activityType?.name === 'zustellen') zustellenId = String(e.eventId);
    if (actStarted) out.queuedMs += at(e) - at(byId.get(String(actStarted.scheduledEventId))!);
    if (actDone) {
      out.activityMs += at(e) - at(byId.get(String(actDone.startedEventId))!);
      if (String(actDone.scheduledEventId) === zustellenId) {
        out.totalMs = at(e) - at(events[0]!);
        return out;
      }
    }
  }
  return undefined;
}

/** Median of each part over the runs, and the breakdown of the slowest run (the p99 of a few is their maximum). */
export async function summarizeWaits(client: Client, workflowIds: string[]) {
  const all = (await Promise.all(workflowIds.map((id) => waitBreakdown(client, id)))).filter(
    (b): b is WaitBreakdown => b !== undefined,
  );
  if (all.length === 0) return null;
  const median = (k: keyof WaitBreakdown) =>
    Math.round(
      percentile(
        all.map((b) => b[k]),
        50,
      ),
    );
  const slowest = all.reduce((a, b) => (b.totalMs > a.totalMs ? b : a));
  return {
    runs: all.length,
    medianMs: {
      queued: median('queuedMs'),
      workflowTask: median('workflowTaskMs'),
      activity: median('activityMs'),
      total: median('totalMs'),
    },
    slowestMs: slowest,
  };
}
