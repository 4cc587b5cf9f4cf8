// Temporal actions (what Temporal Cloud bills) of one workflow run, counted from its history as
// docs.temporal.io/cloud/actions defines them. Two kinds of event are not actions there and are listed apart:
// - the upsert of `TemporalChangeVersion` that `patched()` makes ("exempt from Action counting");
// - the version marker (`core_patch`) beside it: markers are billed only as recorded Side Effects, which the
//   TypeScript SDK does not have.
// Activity heartbeats are billed too but are not in the history, so they are not counted here. The short activities
// send none (they beat only after a third of their heartbeat timeout, activities/heartbeat.ts). The payment poll
// beats after each read; the SDK passes on at most one beat per 80 % of its heartbeat timeout (3 × 30 s polls =
// 90 s, so one per 72 s): each further minute a citizen takes to pay adds about one action.
import type { Client } from '@temporalio/client';

type HistoryEvent = NonNullable<
  Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']
>[number];

const CHANGE_VERSION = 'TemporalChangeVersion';

function classify(e: HistoryEvent): { action?: string; exempt?: string } {
  if (e.workflowExecutionStartedEventAttributes) return { action: 'workflow started' };
  if (e.activityTaskScheduledEventAttributes) return { action: 'activity scheduled' };
  if (e.activityTaskStartedEventAttributes && (e.activityTaskStartedEventAttributes.attempt ?? 1) > 1)
    return { action: 'activity retried' };
  if (e.timerStartedEventAttributes) return { action: 'timer started' };
  if (e.workflowExecutionSignaledEventAttributes) return { action: 'signal' };
  if (e.workflowExecutionUpdateAcceptedEventAttributes) return { action: 'update' };
  if (e.startChildWorkflowExecutionInitiatedEventAttributes) return { action: 'child started' };
  if (e.signalExternalWorkflowExecutionInitiatedEventAttributes) return { action: 'signal sent' };
  const upsert = e.upsertWorkflowSearchAttributesEventAttributes;
  if (upsert) {
    const keys = Object.keys(upsert.searchAttributes?.indexedFields ?? {});
    return keys.length > 0 && keys.every((k) => k === CHANGE_VERSION)
      ? { exempt: 'TemporalChangeVersion upserted' }
      : { action: 'search attributes upserted' };
  }
  const marker = e.markerRecordedEventAttributes;
  if (marker) return marker.markerName === 'core_patch' ? { exempt: 'version marker' } : { action: 'marker' };
  return {};
}

export async function countActions(
  client: Client,
  workflowId: string,
): Promise<{ total: number; breakdown: Record<string, number>; notActions: Record<string, number> }> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const breakdown: Record<string, number> = {};
  const notActions: Record<string, number> = {};
  for (const e of history.events ?? []) {
    const { action, exempt } = classify(e);
    if (action) breakdown[action] = (breakdown[action] ?? 0) + 1;
    if (exempt) notActions[exempt] = (notActions[exempt] ?? 0) + 1;
  }
  return { total: Object.values(breakdown).reduce((a, b) => a + b, 0), breakdown, notActions };
}
