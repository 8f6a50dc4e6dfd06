// What a stored API order says (owner, amount, time), for the orders of a group whose id was seen
// before: a resend must carry the same order, or be refused rather than silently dropped. Read
// only for those ids (a resend is rare; a scan of `orders` per group would not be).
import type { Dialect, Query } from '../engine.ts'
import { jsonKeyList } from './api-delete-keys.ts'

/** Rows (order_id, customer_id, amount, ordered_at) of the orders keyed by these ids. */
export function storedOrders(dialect: Dialect, ids: readonly string[]): Query {
  return {
    sql: `SELECT order_key AS order_id, customer_id, amount, ordered_at
FROM orders WHERE order_key IN (${jsonKeyList(dialect)}) AND amount >= 0`,
    params: [JSON.stringify(ids)],
  }
}
