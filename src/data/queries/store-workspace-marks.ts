// What tells a Loyals workspace from another application's database with tables of the same
// names (`orders`, `customers`): the import log and the meta table with their own columns, which
// every workspace has had since its first version (workspace.ts refuseForeignDatabase).
import type { Dialect, Query } from '../engine.ts'
import { storeSchema } from './store-tables.ts'

/**
 * One row: import_log = the columns of an `imports` table that Loyals' import log has (4 when it
 * is that log), meta = those of a `meta` table (2 when it is Loyals' key-value table).
 */
export function storeWorkspaceMarks(dialect: Dialect): Query {
  return {
    sql: `SELECT
  count(*) FILTER (WHERE table_name = 'imports'
    AND column_name IN ('import_id', 'sha256', 'rows_in', 'rows_rejected')) AS import_log,
  count(*) FILTER (WHERE table_name = 'meta' AND column_name IN ('key', 'value')) AS meta
FROM information_schema.columns
WHERE table_schema = ${storeSchema(dialect)} AND table_catalog = current_database()`,
    params: [],
  }
}
