import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    globalSetup: ['./test/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Two cores: a couple of forks keep the single Temporal dev server and PostgreSQL busy without thrashing.
    maxWorkers: 2,
  },
});
