// Modules the workflow bundle evaluates once per V8 context instead of once per workflow (bundler option
// preloadModules): each workflow otherwise re-runs every module it imports, which for a worker holding thousands of
// lifecycles costs start-up time and memory. The SDK deep-freezes preloaded modules, so only modules qualify that
// neither keep per-workflow state nor create objects that change after loading: zod schemas define properties
// lazily on first use, so modules declaring schemas (task-catalog, field-errors, events, …) stay per workflow,
// while the zod library itself is shared. A deterministic memo (the Saxon holiday cache, a Map) is fine.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const PRELOAD_MODULES: string[] = [
  'zod',
  'feiertagejs',
  ...['phases', 'working-days', 'sla', 'gate-check', 'gate-report', 'clock'].map((m) => require.resolve(`../workflows/lifecycle/${m}.ts`)),
];
