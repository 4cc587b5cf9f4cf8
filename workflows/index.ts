// Every workflow type the worker registers.
export { echoWorkflow } from './echo';
export { antragWorkflow } from './antrag';
export { minimalWorkflow } from './minimal';
export { onlinedienstLifecycleWorkflow } from './onlinedienst';
export { rolloutTicketWorkflow } from './rollout';
export { releaseCampaignWorkflow } from './release';
