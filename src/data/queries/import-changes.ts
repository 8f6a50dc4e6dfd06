// What an import will change in a store table, computed before the write transaction: the staged
// rows whose key is new or whose content differs. Bookkeeping columns (source, source_line) are
// not content, so re-importing the same rows from another file name writes nothing.
import type { Dialect, Query } from '../engine.ts'
import { ident } from './import-stage.ts'

const BOOKKEEPING = new Set(['source', 'source_line'])

export function differs(columns: readonly string[], key: string, a: string, b: string): string {
  return columns
    .filter((c) => c !== key && !BOOKKEEPING.has(c))
    .map((c) => `${a}.${ident(c)} IS DISTINCT FROM ${b}.${ident(c)}`)
    .join(' OR ')
}

/**
 * TEMP table `into` = rows of `staged` to write, with `__new` (key absent from `table`).
 * `tableEmpty` skips the join (and the copy) on a first import.
 */
export function importChanges(
  _d: Dialect,
  args: {
    staged: string
    table: string
    key: string
    columns: readonly string[]
    into: string
    tableEmpty: boolean
  },
): Query {
  const k = ident(args.key)
  const body = args.tableEmpty
    ? `SELECT r.*, true AS __new FROM ${args.staged} r`
    : `SELECT r.*, o.${k} IS NULL AS __new
FROM ${args.staged} r LEFT JOIN ${args.table} o ON o.${k} = r.${k}
WHERE o.${k} IS NULL OR ${differs(args.columns, args.key, 'r', 'o')}`
  // A first import writes everything: a view avoids copying millions of rows once more.
  const what = args.tableEmpty ? 'VIEW' : 'TABLE'
  return { sql: `CREATE OR REPLACE TEMP ${what} ${args.into} AS ${body}` }
}
