// Every workflow type the worker registers.
export { echoWorkflow } from './echo';
export { antragWorkflow } from './antrag';
export { minimalWorkflow } from './minimal';
export { onlinedienstLifecycleWorkflow } from './onlinedienst/workflow';
export { rolloutTicketWorkflow } from './rollout/workflow';
export { releaseCampaignWorkflow } from './release';
