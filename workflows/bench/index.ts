// The benches' bundle entry (never the production one): the production workflows, the very modules the worker
// bundles, plus the reference workflow, so a bench measures the production code next to a minimal workflow on one
// worker. worker/worker.ts resolves it as `benchWorkflowsPath`.
export * from '../index';
export { minimalWorkflow } from './minimal';
