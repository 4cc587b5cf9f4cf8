import { defineConfig } from 'vitest/config';

// Two projects: `unit` runs the pure rules and parsers with no server at all; `integration` runs everything else
// against one real Temporal dev server, PostgreSQL and SMTP server started by the global setup.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // The unit files run first (seconds), then the integration files with their own worker limit.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**'],
          pool: 'forks',
          globalSetup: ['./test/global-setup.ts'],
          // After every file: the money of its Anträge adds up (test/harness/geld.ts).
          setupFiles: ['./test/setup-geld.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // Two files at a time on two cores: each file has its own database, task queue and workflow ids, so files
          // share only the servers.
          maxWorkers: 2,
        },
      },
    ],
  },
});
