// Workflow code runs in Temporal's deterministic sandbox: it must not import Node modules or
// anything with side effects, and a forgotten await there silently changes the history.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert', 'async_hooks', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs',
  'fs/promises', 'http', 'http2', 'https', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream',
  'timers', 'tls', 'url', 'util', 'worker_threads', 'zlib',
];

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
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeBuiltins.flatMap((name) => [
          { name, message: 'Workflow code is deterministic: no Node modules.' },
          { name: `node:${name}`, message: 'Workflow code is deterministic: no Node modules.' },
        ]),
        patterns: [
          { group: ['node:*'], message: 'Workflow code is deterministic: no Node modules.' },
          { group: ['**/activities/*', '!**/activities/types'], allowTypeImports: true,
            message: 'Workflows import activity types only (import type).' },
          { group: ['pg', 'kysely', 'nodemailer', 'pino', 'hono', '@temporalio/client', '@temporalio/worker'],
            message: 'Workflow code must not import I/O libraries.' },
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'process', message: 'Workflow code must not read the process environment.' },
        { name: 'fetch', message: 'I/O belongs in activities.' },
      ],
    },
  },
  {
    // Pure domain logic takes "now" as a parameter, so tests can pin it; in workflow files Date is the SDK's
    // deterministic clock and may be read.
    files: ['workflows/lifecycle/**/*.ts'],
    rules: {
      'no-restricted-properties': ['error', {
        object: 'Date', property: 'now',
        message: 'Domain logic takes "now" as a parameter; keeps it testable and deterministic.',
      }],
    },
  },
);
