// The stored rows of the keys a group of events gives with their own id (a survey answer's
// response_id, a return's return_id): the same id with other content is no retry, and must not
// be answered "stored" while the stored row stays (value-inputs.ts).
import type { Dialect, Query } from '../engine.ts'
import { jsonKeyList } from './api-delete-keys.ts'
import { columnTypes } from './api-ingest-value-insert.ts'

/** SELECT k (the key) and `columns` of `table`'s rows WHERE `key` IN (the keys). */
export function valueRowsById(
  dialect: Dialect,
  args: {
    readonly table: string
    readonly key: string
    readonly columns: readonly string[]
    readonly keys: readonly string[]
  },
): Query {
  // a table and columns of the value-input tables only (columnTypes throws for any other name)
  columnTypes(args.table, [args.key, ...args.columns])
  return {
    sql: `SELECT ${args.key} AS k, ${args.columns.join(', ')} FROM ${args.table} WHERE ${args.key} IN (${jsonKeyList(dialect)})`,
    params: [JSON.stringify(args.keys)],
  }
}
