// The service's own deadlines: the authority's technical contact is reminded of a submission nobody picked up,
// and a submission still `submitted` at the end is rejected by the service itself.
import type { EventLog } from './events';
import { DAY_MS } from './limits';
import type { FitConnectState } from './state';
import { EVENTS, PROBLEM_NOT_PICKED_UP } from './vocabulary';

export interface Reminder {
  submissionId: string;
  destinationId: string;
  at: string;
}

export async function runDeadlines(
  state: FitConnectState,
  events: EventLog,
  rules: { reminderAfterMs: number; autoRejectAfterMs: number },
  reminders: Reminder[],
  at: number,
): Promise<void> {
  for (const submission of state.submissions.values()) {
    if (submission.status !== 'submitted' || submission.submittedAt === undefined) continue;
    const age = at - submission.submittedAt;
    if (age >= rules.autoRejectAfterMs) {
      submission.status = 'rejected';
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
