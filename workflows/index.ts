// Every workflow type the worker registers.
export { echoWorkflow } from './echo';
export { antragWorkflow } from './antrag';
export { minimalWorkflow } from './minimal';
