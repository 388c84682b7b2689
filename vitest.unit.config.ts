import { defineConfig } from 'vitest/config';

// `npm run test:unit`: the fast pure tests in test/unit, without the throwaway PostgreSQL of the full suite.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    pool: 'forks',
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 30_000,
  },
});
