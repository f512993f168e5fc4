import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    restoreMocks: true,
    // test-count: a full run must register the recorded number of tests; in CI nothing may be skipped.
    reporters: ['default', './test/support/test-count-reporter.ts'],
  },
});
