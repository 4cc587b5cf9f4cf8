// The production bundle entry: every workflow type the worker registers, and nothing else (worker/worker.ts
// resolves this file; the benches have entries of their own in workflows/bench/).
export { antragWorkflow } from './antrag/workflow';
export { onlinedienstLifecycleWorkflow } from './onlinedienst/workflow';
export { rolloutTicketWorkflow } from './rollout/workflow';
export { releaseCampaignWorkflow } from './release';
export { stoerungAktionWorkflow } from './stoerung-aktion';
export { releaseErinnerungWorkflow } from './release-erinnerung';
