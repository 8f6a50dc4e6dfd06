// Where a PostgreSQL store would make its tables (the first schema of search_path that exists),
// whether it holds a Loyals workspace there, and whether the user may create one: what opening
// the store checks before it creates anything (workspace.ts).
import type { Dialect, Query } from '../engine.ts'

/** One row: schema (null: no schema of search_path exists), path, ready, may. */
export function pgSchemaState(_dialect: Dialect): Query {
  return {
    sql: `SELECT current_schema() AS schema, current_setting('search_path') AS path,
  EXISTS (SELECT 1 FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_name = 'customer_profile') AS ready,
  coalesce(has_schema_privilege(current_schema(), 'CREATE'), false) AS may`,
    params: [],
  }
}
