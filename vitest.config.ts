import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/postgres-cluster.ts'],
    pool: 'forks',
    // Vitest's default is one fewer than the cores: a single worker on CI's 2 cores, which ran the files one
    // after the other. Most of a file's time is spent waiting (child processes, PostgreSQL, Chromium), so
    // two files at once on 2 cores halve the wall time (docs/development.md, "Tests on both dialects").
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
