// The days customers bought on, from their stored orders (refunds are no purchase): the live
// profile counts an order's day as a new purchase day only when none of these is it, so an order
// arriving out of time order, or on a local day another UTC day holds, counts as a refit counts.
import type { Dialect, Query } from '../engine.ts'
import { jsonKeyList } from './api-delete-keys.ts'

/** Rows (customer_id, order_date 'YYYY-MM-DD'), one per customer and purchase day. */
export function purchaseDays(dialect: Dialect, customers: readonly string[]): Query {
  return {
    sql: `SELECT DISTINCT customer_id, CAST(order_date AS VARCHAR) AS order_date
FROM orders WHERE customer_id IN (${jsonKeyList(dialect)}) AND amount >= 0`,
    params: [JSON.stringify(customers)],
  }
}
