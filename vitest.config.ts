import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    globalSetup: ['./test/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // One file at a time: on two cores, files in parallel starve the single dev server and exposed a race in the
    // lifecycle's continue-as-new under load (an Update refused with 409 in 1 of 3 CI runs; it passes alone).
    // Slower, but a green run must mean green. Remove once that race is fixed.
    maxWorkers: 1,
  },
});
