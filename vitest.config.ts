import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Test files share their worker's module graph: evaluating the app's imports took 7-9 s of
    // each file's time under CI's load, more than most files' tests (docs/decisions.md).
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { NODE_ENV: 'test' },
    // Builds a migrated PGlite template once per run (does nothing when TEST_DATABASE_URL is set).
    globalSetup: ['test/support/database-template.ts'],
  },
});
