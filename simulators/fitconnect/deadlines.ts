// The service's own deadlines: the authority's technical contact is reminded of a submission nobody picked up,
// a submission still `submitted` at the end is rejected by the service itself, and the content of an answered one
// is deleted.
import type { EventLog } from './events';
import { DAY_MS } from './limits';
import type { FitConnectState, SubmissionState } from './state';
import { EVENTS, PROBLEM_NOT_PICKED_UP } from './vocabulary';

export interface Reminder {
  submissionId: string;
  destinationId: string;
  at: string;
}

/** The content of an answered submission goes; its event log stays, so the sender still reads the answer. */
export async function deleteContent(events: EventLog, submission: SubmissionState, at: number): Promise<void> {
  if (submission.deletedAt !== undefined) return;
  submission.deletedAt = at;
  submission.attachments.clear();
  delete submission.encryptedMetadata;
  delete submission.encryptedData;
  await events.service(submission, EVENTS.delete, {}, 'service');
}

export async function runDeadlines(
  state: FitConnectState,
  events: EventLog,
  rules: { reminderAfterMs: number; autoRejectAfterMs: number; deleteAfterMs: number },
  reminders: Reminder[],
  at: number,
): Promise<void> {
  for (const submission of state.submissions.values()) {
    if (submission.answeredAt !== undefined && at - submission.answeredAt >= rules.deleteAfterMs) {
      await deleteContent(events, submission, at);
      continue;
    }
    if (submission.status !== 'submitted' || submission.submittedAt === undefined) continue;
    const age = at - submission.submittedAt;
    if (age >= rules.autoRejectAfterMs) {
      submission.status = 'rejected';
      submission.answeredAt = at;
      const problem = {
        type: PROBLEM_NOT_PICKED_UP,
        title: 'Submission not picked up',
        detail: `Not accepted within ${Math.round(rules.autoRejectAfterMs / DAY_MS)} days`,
        instance: `submission:${submission.submissionId}`,
      };
      await events.service(submission, EVENTS.reject, { problems: [problem] }, 'service');
    } else if (age >= rules.reminderAfterMs && !submission.pickedUpAt && !submission.reminded) {
      submission.reminded = true;
      reminders.push({
        submissionId: submission.submissionId,
        destinationId: submission.destinationId,
        at: new Date(at).toISOString(),
      });
    }
  }
}
