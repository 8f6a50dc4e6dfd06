// Update the stored rows of a keyed table (customer_profile: one row per customer id) from one
// JSON parameter (api-insert-rows.ts), returning the keys it found; the caller inserts the others.
// Not DELETE + INSERT of the same keys: DuckDB 1.5.6 refuses that pair in one transaction when
// the key's index entry was read from the file ("Duplicate key ... violates unique constraint"
// in a process that had not looked the key up before), and replays it from its write-ahead log
// without the inserted rows in the index (rebuild-indexes.ts). An UPDATE that leaves the key as
// it is does not touch the index at all.
import type { Dialect, Query } from '../engine.ts'
import { type InsertRowsArgs, rowsSource } from './api-insert-rows.ts'

export interface KeyedRowsArgs extends Pick<InsertRowsArgs, 'table' | 'columns' | 'rows'> {
  /** The key column (one of `columns`); the rows' keys are distinct. */
  readonly key: string
  /** Columns a row's null leaves as stored (an order's currency when a corrected file has none). */
  readonly keep?: readonly string[]
}

/** UPDATE the stored rows whose key is among the rows' keys to the rows' values; RETURNING `key`. */
export function updateKeyedRows(dialect: Dialect, a: KeyedRowsArgs): Query {
  const { cols, source, param, known } = rowsSource(dialect, a, 's')
  const key = known(a.key)
  const set = cols
    .filter((c) => c !== key)
    .map((c) => (a.keep?.includes(c) ? `${c} = coalesce(s.${c}, t.${c})` : `${c} = s.${c}`))
    .join(', ')
  return {
    sql: `UPDATE ${a.table} AS t SET ${set} FROM ${source} WHERE t.${key} = s.${key} RETURNING t.${key} AS key`,
    params: [param],
  }
}
