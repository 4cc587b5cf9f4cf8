// Temporal actions (what Temporal Cloud bills) of one workflow run, counted from its history.
import type { Client } from '@temporalio/client';

export async function countActions(
  client: Client,
  workflowId: string,
): Promise<{ total: number; breakdown: Record<string, number> }> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const breakdown: Record<string, number> = {};
  for (const e of history.events ?? []) {
    const action = e.workflowExecutionStartedEventAttributes
      ? 'workflow started'
      : e.activityTaskScheduledEventAttributes
        ? 'activity scheduled'
        : e.activityTaskStartedEventAttributes && (e.activityTaskStartedEventAttributes.attempt ?? 1) > 1
          ? 'activity retried'
          : e.timerStartedEventAttributes
            ? 'timer started'
            : e.workflowExecutionSignaledEventAttributes
              ? 'signal'
              : e.upsertWorkflowSearchAttributesEventAttributes
                ? 'search attributes upserted'
                : e.workflowExecutionUpdateAcceptedEventAttributes
                  ? 'update'
                  : e.markerRecordedEventAttributes
                    ? 'marker'
                    : e.startChildWorkflowExecutionInitiatedEventAttributes
                      ? 'child started'
                      : e.signalExternalWorkflowExecutionInitiatedEventAttributes
                        ? 'signal sent'
                        : undefined;
    if (action) breakdown[action] = (breakdown[action] ?? 0) + 1;
  }
  return { total: Object.values(breakdown).reduce((a, b) => a + b, 0), breakdown };
}
