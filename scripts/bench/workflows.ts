// The bench bundle entry: the production workflows (the very modules the worker bundles) plus the reference
// workflow of the benches, so a bench measures the production code next to a minimal workflow on one worker.
export * from '../../workflows/index';
export { minimalWorkflow } from './minimal-workflow';
