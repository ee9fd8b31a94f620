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
    // `npm run coverage`. The floor sits a few points under the measured figure, so a change
    // that drops coverage fails; raise it when the figure rises.
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
      // Measured on a subset (schema, writer, index-files, tail): 44.8 lines, 42.1 statements, 43.3
      // functions, 32.6 branches; the full suite covers more. Child processes run dist/ and are not counted.
      thresholds: { lines: 40, statements: 38, functions: 40, branches: 30 },
    },
  },
});
