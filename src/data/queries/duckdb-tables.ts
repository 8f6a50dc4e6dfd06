// The tables and views of a DuckDB file's main schema: whether it is a workspace, a new file or
// another application's database (workspace.ts).
import type { Dialect, Query } from '../engine.ts'

/** One row per table or view of schema main: name. */
export function duckDbTables(_dialect: Dialect): Query {
  return {
    sql: `SELECT table_name AS name FROM information_schema.tables
  WHERE table_schema = 'main' AND table_catalog = current_database() ORDER BY table_name`,
    params: [],
  }
}
