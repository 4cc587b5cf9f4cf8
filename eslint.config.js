// Lint keeps the floors (README "Layout"): a folder imports only the folders below it, the pure rules import nothing
// with side effects, simulators share no code with the clients they test, and workflow code stays deterministic (it
// runs in Temporal's sandbox: no Node modules, no I/O, and a forgotten await there silently changes the history).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert',
  'async_hooks',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'worker_threads',
  'zlib',
];

// Top to bottom. A folder may import the folders after it, never those before it.
const FLOORS = [
  'app',
  'worker',
  'ui',
  'workflows',
  'activities',
  'api',
  'runtime',
  'db',
  'integrations',
  'messages',
  'domain',
];
/** What a floor must not import although it lies below: the UI acts only through the API, workflows only through activities. */
const ALSO_FORBIDDEN = {
  ui: ['workflows', 'activities', 'runtime', 'db', 'integrations'],
  workflows: ['api', 'runtime', 'db'],
};
/** Floors a folder may import for their types only (they vanish at run time). */
const TYPES_ONLY = {
  workflows: ['activities', 'integrations'],
};

const folderPattern = (names, message, allowTypeImports = false) => ({
  regex: `^(\\.\\./)+(${names.join('|')})(/|$)`,
  message,
  ...(allowTypeImports ? { allowTypeImports: true } : {}),
});

function floorPatterns(floor) {
  const above = FLOORS.slice(0, FLOORS.indexOf(floor));
  const forbidden = [...above, ...(ALSO_FORBIDDEN[floor] ?? [])].filter((f) => !(TYPES_ONLY[floor] ?? []).includes(f));
  const patterns = [
    folderPattern(
      [...new Set(forbidden)].concat('simulators', 'scripts', 'test'),
      `${floor}/ imports only the floors below it (README "Layout"); contracts come from messages/, rules from domain/.`,
    ),
  ];
  if (TYPES_ONLY[floor]) {
    patterns.push(
      folderPattern(
        TYPES_ONLY[floor],
        `${floor}/ imports ${TYPES_ONLY[floor].join(' and ')} for types only (import type).`,
        true,
      ),
    );
  }
  return patterns;
}

const nodePaths = (message) =>
  nodeBuiltins.flatMap((name) => [
    { name, message },
    { name: `node:${name}`, message },
  ]);

const restrictions = {
  workflows: {
    paths: nodePaths('Workflow code is deterministic: no Node modules.'),
    patterns: [
      ...floorPatterns('workflows'),
      { group: ['node:*'], message: 'Workflow code is deterministic: no Node modules.' },
      {
        group: [
          'pg',
          'kysely',
          'nodemailer',
          'pino',
          'hono',
          'hono/*',
          '@temporalio/client',
          '@temporalio/worker',
          '@temporalio/activity',
        ],
        message: 'Workflow code must not import I/O libraries.',
      },
    ],
  },
  domain: {
    paths: nodePaths('domain/ holds pure rules: no Node modules.'),
    patterns: [
      ...floorPatterns('domain'),
      { group: ['node:*'], message: 'domain/ holds pure rules: no Node modules.' },
      { group: ['@temporalio/*'], message: 'domain/ holds pure rules: Temporal contracts live in messages/.' },
      {
        group: ['pg', 'kysely', 'nodemailer', 'pino', 'hono', 'hono/*'],
        message: 'domain/ holds pure rules: no I/O libraries.',
      },
    ],
  },
  messages: {
    patterns: [
      ...floorPatterns('messages'),
      {
        group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'pg', 'kysely'],
        message: 'messages/ are contracts both sides import: no I/O.',
      },
    ],
  },
  simulators: {
    patterns: [
      folderPattern(
        [...FLOORS, 'scripts', 'test'],
        'A simulator shares no code with the client it tests: it is written from the documented behaviour of the real system.',
      ),
    ],
  },
};
for (const floor of FLOORS) restrictions[floor] ??= { patterns: floorPatterns(floor) };

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', '.test-data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read arbitrary JSON answers.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  ...Object.entries(restrictions).map(([folder, options]) => ({
    files: [`${folder}/**/*.ts`, `${folder}/**/*.tsx`],
    rules: { 'no-restricted-imports': ['error', options] },
  })),
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'process', message: 'Workflow code must not read the process environment.' },
        { name: 'fetch', message: 'I/O belongs in activities.' },
      ],
    },
  },
  {
    // Pure rules take "now" as a parameter, so tests can pin it and workflows pass their deterministic clock.
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'Date',
          property: 'now',
          message: 'Domain logic takes "now" as a parameter; keeps it testable and deterministic.',
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'domain/ is pure: configuration comes in as input.' },
      ],
    },
  },
);
