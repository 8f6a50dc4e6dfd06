// The tables and views of the schema a store writes to (a DuckDB file's main schema, a PostgreSQL
// URL's current schema): whether it is a workspace, a new store or another application's
// database (workspace.ts).
import type { Dialect, Query } from '../engine.ts'

/** The schema a store's tables are in, as SQL. */
export const storeSchema = (dialect: Dialect): string =>
  dialect === 'postgres' ? 'current_schema()' : "'main'"

/** One row per table or view of that schema: name. */
export function storeTables(dialect: Dialect): Query {
  return {
    sql: `SELECT table_name AS name FROM information_schema.tables
  WHERE table_schema = ${storeSchema(dialect)} AND table_catalog = current_database() ORDER BY table_name`,
    params: [],
  }
}
