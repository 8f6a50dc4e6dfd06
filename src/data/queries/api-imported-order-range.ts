// The smallest and largest order id (and, for orders imported without one, order key) that
// `loyals import` stored. The server reads it once: only `loyals import` writes such rows, and it
// cannot run beside the server, so an id outside the range needs no look at the orders table.
import type { Dialect, Query } from '../engine.ts'

/**
 * One row (id_lo, id_hi, key_lo, key_hi): bounds in byte order (PostgreSQL's collation would
 * order differently from the comparison the caller makes), NULL when there is no such row.
 */
export function importedOrderRange(dialect: Dialect): Query {
  const c = dialect === 'postgres' ? ' COLLATE "C"' : ''
  return {
    sql: `SELECT min(order_id${c}) AS id_lo, max(order_id${c}) AS id_hi,
  min(order_key${c}) FILTER (WHERE order_id IS NULL) AS key_lo,
  max(order_key${c}) FILTER (WHERE order_id IS NULL) AS key_hi
FROM orders WHERE amount >= 0 AND source IS DISTINCT FROM 'api'`,
  }
}
