// The task queue of the long waits beside the workflows' own. The payment poll and the wait for the FIT-Connect
// answer are activities that sleep between reads and hold their slot for as long as the citizen or the authority
// takes: days. On a queue of their own (polled by a worker with slots to spare, worker/worker.ts) they cannot use
// up the slots of the short activities (receipt, delivery, mail), so those slots can be sized to what a worker
// really runs at once — and then a burst's backlog waits on the server, where fairness orders it by Mandant.
// Derived from the workflow's own queue, so each deployment (and each test's queue) has its own.
export const warteTaskQueue = (taskQueue: string): string => `${taskQueue}-warten`;

/** Patch id: waits scheduled from here on go to `warteTaskQueue`; histories before it keep the workflow's queue. */
export const WARTEN_EIGENE_QUEUE_PATCH = 'warten-eigene-queue';
