// Apply a write set (see import-changes.ts) to a store table: remove the old versions of changed
// rows, insert new and changed rows. Runs inside the import's transaction.
import type { Dialect, Query } from '../engine.ts'
import { ident } from './import-stage.ts'

export function importUpsert(
  _d: Dialect,
  args: {
    writeSet: string
    table: string
    key: string
    columns: readonly string[]
    /** Nothing to replace: skip the DELETE. */
    tableEmpty?: boolean
  },
): Query {
  const k = ident(args.key)
  const cols = args.columns.map(ident).join(', ')
  return {
    sql: `${args.tableEmpty ? '' : `DELETE FROM ${args.table} WHERE ${k} IN (SELECT ${k} FROM ${args.writeSet} WHERE NOT __new);`}
INSERT INTO ${args.table} (${cols}) SELECT ${cols} FROM ${args.writeSet};`,
  }
}
