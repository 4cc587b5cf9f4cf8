// The reference for benchmarks: a workflow that only runs n no-op activities in sequence, so the Antrag's
// throughput can be put next to what the same server and worker do with the same number of activities.
import { proxyActivities } from '@temporalio/workflow';
/** The bench worker's own activity (scripts/bench/activities.ts implements it). */
export interface BenchActivities {
  noop(): Promise<void>;
}

const { noop } = proxyActivities<BenchActivities>({ startToCloseTimeout: '1 minute' });

export async function minimalWorkflow(activities: number): Promise<number> {
  for (let i = 0; i < activities; i++) await noop();
  return activities;
}
