import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Cross-process tests spawn real children; the machines have 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One real PostgreSQL server for the run (test/postgres); each file makes its own database.
    globalSetup: ['test/postgres/global-setup.ts'],
  },
});
