// Opening a workspace: resolve where it is (flag, LOYALS_DB, default file), open the right
// adapter, make sure the schema exists. The only place that chooses an engine.
import { openDuckDb } from './duckdb.ts'
import type { Engine } from './engine.ts'
import { createSchema } from './queries/create-schema.ts'
import { UsageError } from '../errors.ts'

export const DEFAULT_DB = './loyals.duckdb'

/** Open the workspace at `location` (a DuckDB path or ':memory:') and ensure its schema. */
export async function openWorkspace(location: string): Promise<Engine> {
  if (/^postgres(ql)?:\/\//.test(location)) {
    throw new UsageError('PostgreSQL workspaces are served by `loyals serve --db postgres://...`')
  }
  const engine = await openDuckDb(location)
  await engine.exec(createSchema(engine.dialect))
  return engine
}
