import { defineConfig } from 'vitest/config'

// LOYALS_TEST_JSON (set by .ci/run) adds a JSON report so CI can print "N passed, N failed".
const jsonOut = process.env.LOYALS_TEST_JSON

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // a real PostgreSQL server for the cross-engine suites (test/helpers/postgres.ts), Debian's
    // Chromium for the report test, installed if missing (test/helpers/chromium-global.ts), and
    // one temporary directory for the run's scratch files, removed at its end (tmp-global.ts)
    globalSetup: [
      'test/helpers/postgres-global.ts',
      'test/helpers/chromium-global.ts',
      'test/helpers/tmp-global.ts',
    ],
    // every API answer is checked against its route's response schema (src/api/responses.ts)
    env: { TZ: 'UTC', LOYALS_CHECK_RESPONSES: '1' },
    reporters: jsonOut ? ['default', 'json'] : ['default'],
    outputFile: jsonOut ? { json: jsonOut } : undefined,
  },
})
