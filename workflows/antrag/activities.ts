// The Antrag's short activities (receipt, payment steps, processing reports, deletion): one proxy, one retry policy.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';

export const kurz = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  // They beat while they run (activities/heartbeat.ts), so a killed worker's activity is retried after 10 s.
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
