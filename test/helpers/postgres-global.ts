// Vitest globalSetup: one PostgreSQL server for the whole run, published as inject('pgUrl') and
// LOYALS_TEST_PG_URL. A URL already in LOYALS_TEST_PG_URL is used as is (an external server).
import type { TestProject } from 'vitest/node'
import { startTestPostgres } from './postgres.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the test database every cross-engine suite uses. */
    pgUrl: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.LOYALS_TEST_PG_URL
  if (external) {
    project.provide('pgUrl', external)
    return async () => {}
  }
  const pg = await startTestPostgres()
  process.env.LOYALS_TEST_PG_URL = pg.url
  project.provide('pgUrl', pg.url)
  if (process.env.LOYALS_TEST_PG_VERBOSE) {
    console.log(`test PostgreSQL at ${pg.url} (started in ${Math.round(pg.startMs)} ms)`)
  }
  return async () => {
    await pg.stop()
  }
}
