// Where an Antrag's long waits (payment poll, FIT-Connect answer) run: on the wait queue beside the workflow's own
// (messages/task-queues.ts says why). Histories recorded before the patch scheduled them on the workflow's queue
// and replay so; a run that passes the patch point for the first time records the marker there. A look of such a wait
// runs for WARTE_FENSTER (patches zahlung-fenster, fitconnect-fenster), then the workflow sleeps on a timer.
import { patched, workflowInfo } from '@temporalio/workflow';
import { WARTEN_EIGENE_QUEUE_PATCH, warteTaskQueue } from '../../messages/task-queues';

/** The activity option that sends a wait to the wait queue; none for histories from before. */
export function warteQueue(): { taskQueue?: string } {
  return patched(WARTEN_EIGENE_QUEUE_PATCH) ? { taskQueue: warteTaskQueue(workflowInfo().taskQueue) } : {};
}

/** A look's window when the Antrag's input names none (runs started before WARTE_FENSTER was passed). */
export const WARTE_FENSTER_STANDARD = '10m';
