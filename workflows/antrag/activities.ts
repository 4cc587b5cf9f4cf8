// The Antrag's short activities (receipt, payment steps, processing reports, deletion): one proxy, one retry policy.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';

export const kurz = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
