// The library entry points that run DuckDB's own SQL (reading files, CREATE OR REPLACE, list
// functions) check the store once, up front: on PostgreSQL they would otherwise fail on their
// first such statement with the server's syntax error and nothing in the user's terms.
import type { Engine } from '../data/engine.ts'
import { UsageError } from '../errors.ts'

/**
 * @throws UsageError when `engine` is not the embedded DuckDB store, naming what needs it and the
 *   way a PostgreSQL store is reached (its server).
 * @example requireEmbedded(engine, 'analyze') // before any statement
 */
export function requireEmbedded(engine: Engine, what: string): void {
  if (engine.dialect === 'duckdb') return
  throw new UsageError(
    `${what} needs the embedded DuckDB store, not ${engine.dialect === 'postgres' ? 'PostgreSQL' : engine.dialect} (${engine.location}): a PostgreSQL store is filled and read through its server (loyals serve --db URL; docs/api.md), or analyze an export of its orders`,
    { dialect: engine.dialect },
  )
}
