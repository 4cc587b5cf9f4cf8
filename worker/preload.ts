// Modules the workflow bundle evaluates once per V8 context instead of once per workflow (bundler option
// preloadModules): each workflow otherwise re-runs every module it imports, which for a worker holding thousands of
// lifecycles costs start-up time and memory. The SDK deep-freezes preloaded modules, so only modules qualify that
// keep no per-workflow state and whose objects never change after loading. zod schema instances do change (they
// complete themselves on first use, which fails on a frozen schema), so the lifecycle modules export schema
// accessors (lazySchema in field-errors.ts) that build each schema after the freeze, once per thread. With the schema
// modules preloaded a cached lifecycle holds ~90 kB instead of ~1.3 MB (npm run bench:release -- --heap). A
// deterministic memo (the Saxon holiday cache, a Map) is fine. Modules importing @temporalio/workflow (messages/,
// workflows/) must not be preloaded: the SDK's workflow module carries per-workflow state. The pure rules in domain/
// import neither, so all of them qualify.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const PRELOAD_MODULES: string[] = [
  'zod',
  'feiertagejs',
  ...[
    'onlinedienst/phases',
    'working-days',
    'rollout/sla',
    'onlinedienst/gate-check',
    'onlinedienst/gate-report',
    'clock',
    'field-errors',
    'onlinedienst/task-template',
    'onlinedienst/catalog-entwicklung',
    'onlinedienst/catalog-einfuehrung',
    'onlinedienst/catalog-betrieb',
    'onlinedienst/task-catalog',
    'onlinedienst/events',
    'onlinedienst/task-instances',
    'onlinedienst/phase-advance',
    'onlinedienst/task-completion',
    'onlinedienst/event-tasks',
    'onlinedienst/shutdown-decision',
    'onlinedienst/tasks',
    'onlinedienst/bestand',
    'rollout/ticket',
    'release/campaign',
    'release/schedule',
    'onlinedienst/notices',
    'rollout/notices',
    'antrag/phases',
    'antrag/bearbeitung',
    'antrag/notices',
  ].map((m) => require.resolve(`../domain/${m}.ts`)),
];
