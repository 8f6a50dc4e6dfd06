// Customer ids of a few value-node indices (top referrers, customers served at a loss).
import type { Dialect, Query } from '../engine.ts'

/** Customer ids of the given indices. */
export function valueIds(_d: Dialect, args: { idx: readonly number[] }): Query {
  const list = args.idx.length > 0 ? args.idx.map((i) => Math.trunc(i)).join(', ') : '-1'
  return { sql: `SELECT idx, customer_id FROM value_nodes WHERE idx IN (${list})` }
}
