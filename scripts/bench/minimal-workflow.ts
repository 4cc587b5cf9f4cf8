// The reference for benchmarks: a workflow that only runs n no-op activities in sequence, so the Antrag's
// throughput can be put next to what the same server and worker do with the same number of activities.
import { proxyActivities } from '@temporalio/workflow';
import type { BenchActivities } from './activities';

const { noop } = proxyActivities<BenchActivities>({ startToCloseTimeout: '1 minute' });

export async function minimalWorkflow(activities: number): Promise<number> {
  for (let i = 0; i < activities; i++) await noop();
  return activities;
}
