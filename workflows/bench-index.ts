// The bench worker's workflows: everything the service registers plus the idle baseline workflow.
export * from './index';
export { idleWorkflow } from './bench-idle';
