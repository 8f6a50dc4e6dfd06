// Delete the rows of a set of keys, the keys passed as one JSON array parameter (see
// api-insert-rows.ts). With the insert that follows, this is how the unindexed keyed tables
// (customers, profile_tier_grace) are rewritten; customer_profile, which has a unique index, is
// written by api-update-keyed-rows.ts.
import { UsageError } from '../../errors.ts'
import type { Dialect, Query } from '../engine.ts'

const KEYED: Readonly<Record<string, string>> = {
  customers: 'customer_id',
  profile_tier_grace: 'customer_id',
  // an order's lines, all of them: a corrected order's lines replace them (ingest.ts)
  order_lines: 'order_id',
}

/** The keys of a JSON array parameter (`$n`, a JSON.stringify of strings) as a subquery. */
export function jsonKeyList(dialect: Dialect, param = 1): string {
  return dialect === 'duckdb'
    ? `SELECT unnest(from_json($${param}, '["VARCHAR"]'))`
    : `SELECT json_array_elements_text(CAST($${param} AS text)::json)`
}

export function deleteKeys(dialect: Dialect, table: string, keys: readonly string[]): Query {
  const col = KEYED[table]
  if (!col) throw new UsageError(`deleteKeys: unsupported table ${JSON.stringify(table)}`)
  return {
    sql: `DELETE FROM ${table} WHERE ${col} IN (${jsonKeyList(dialect)})`,
    params: [JSON.stringify(keys)],
  }
}
