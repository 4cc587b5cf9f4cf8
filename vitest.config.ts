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
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**'],
          pool: 'forks',
          globalSetup: ['./test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // One file at a time: on two cores, files in parallel starve the single dev server and exposed a race in
          // the lifecycle's continue-as-new under load (an Update refused with 409 in 1 of 3 CI runs; it passes
          // alone). Slower, but a green run must mean green. Remove once that race is fixed.
          maxWorkers: 1,
        },
      },
    ],
  },
});
