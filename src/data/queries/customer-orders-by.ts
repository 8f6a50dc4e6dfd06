// How many orders (refunds not counted) a customer placed on or before a day: a customer with
// orders but no row in the analysis had them all refunded in full.
import type { Dialect, Query } from '../engine.ts'
import { isZeroRefundMark } from './import-order-rows.ts'

/** One row: n orders, and `marks`, the ZERO_REFUND marks of those cancelled at 0 (no money). */
export function customerOrdersBy(_d: Dialect, args: { customerId: string; asOf: string }): Query {
  return {
    sql: `SELECT count(*) FILTER (WHERE amount >= 0) AS n,
  count(*) FILTER (WHERE ${isZeroRefundMark('amount')}) AS marks
FROM orders
WHERE customer_id = $1 AND order_date <= CAST($2 AS DATE)`,
    params: [args.customerId, args.asOf],
  }
}
