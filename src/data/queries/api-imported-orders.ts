// The imported orders (rows `loyals import` stored, not the server) that a group of events names:
// by order id, and by order key for the orders imported without an id (an import through the
// server sends the key as the id). Each list travels as one JSON array parameter; a list left
// empty drops its half of the query.
import type { Dialect, Query } from '../engine.ts'
import { jsonKeyList } from './api-delete-keys.ts'

/** Rows (order_id, customer_id, paid, ordered_at) per id and owner: what was paid, and when. */
export function importedOrders(
  dialect: Dialect,
  args: { readonly ids: readonly string[]; readonly keys: readonly string[] },
): Query {
  const parts: string[] = []
  const params: string[] = []
  const part = (col: string, where: string, list: readonly string[]) => {
    params.push(JSON.stringify(list))
    parts.push(`SELECT ${col} AS order_id, customer_id, sum(amount) AS paid,
  min(ordered_at) AS ordered_at
FROM orders WHERE ${where}${col} IN (${jsonKeyList(dialect, params.length)})
  AND amount >= 0 AND source IS DISTINCT FROM 'api'
GROUP BY ${col}, customer_id`)
  }
  if (args.ids.length > 0) part('order_id', '', args.ids)
  if (args.keys.length > 0) part('order_key', 'order_id IS NULL AND ', args.keys)
  if (parts.length === 0) return { sql: 'SELECT NULL AS order_id WHERE 1 = 0' }
  return { sql: parts.join('\nUNION ALL\n'), params }
}
