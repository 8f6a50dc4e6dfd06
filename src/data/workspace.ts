// Opening a workspace: resolve where it is (flag, LOYALS_DB, default file), open the right
// adapter, make sure the schema exists. The only place that chooses an engine.
import { openDuckDb } from './duckdb.ts'
import type { Engine } from './engine.ts'
import { openPostgres } from './postgres.ts'
import { createSchema } from './queries/create-schema.ts'

export const DEFAULT_DB = './loyals.duckdb'

/** True for a PostgreSQL connection string (`postgres://` or `postgresql://`). */
export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//.test(location)

/**
 * Open the workspace at `location` (a DuckDB path, ':memory:', or a `postgres://` URL) and
 * ensure its schema.
 * @throws UsageError when the DuckDB file is locked; QueryError when PostgreSQL is unreachable.
 */
export async function openWorkspace(location: string): Promise<Engine> {
  if (isPostgresUrl(location)) {
    const pg = await openPostgres(location)
    try {
      await pg.transaction(async (tx) => {
        // two processes creating the schema at once would race on IF NOT EXISTS
        await tx.exec('SELECT pg_advisory_xact_lock(7365201)')
        await tx.exec(createSchema(tx.dialect))
      })
    } catch (e) {
      await pg.close()
      throw e
    }
    return pg
  }
  const engine = await openDuckDb(location)
  await engine.exec(createSchema(engine.dialect))
  return engine
}
