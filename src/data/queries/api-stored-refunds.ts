// The refund rows already stored under the keys that a group's "Order Refunded" events name
// (`<order id>:<refund id>`): a refund `loyals import` stored, sent again through the server, or
// the same refund under a new messageId, is found here and applied once.
import type { Dialect, Query } from '../engine.ts'
import { jsonKeyList } from './api-delete-keys.ts'

/** Rows (order_key, order_id, customer_id, amount) of the refunds stored under these keys. */
export function storedRefunds(dialect: Dialect, keys: readonly string[]): Query {
  return {
    sql: `SELECT order_key, order_id, customer_id, amount
FROM orders WHERE order_key IN (${jsonKeyList(dialect)}) AND amount < 0`,
    params: [JSON.stringify(keys)],
  }
}
