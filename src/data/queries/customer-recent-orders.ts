// A customer's latest orders up to the as-of date (refund rows included, they are part of the
// story), newest first: what came later is not known at that date, as in the summary.
import type { Dialect, Query } from '../engine.ts'
import { isZeroRefundMark } from './import-order-rows.ts'

export function customerRecentOrders(
  _d: Dialect,
  args: { customerId: string; limit: number; asOf: string },
): Query {
  return {
    // the mark of a cancelled order of 0 (import-order-rows ZERO_REFUND) is no refund of money:
    // not a row of its own, but the order's `cancelled`
    sql: `SELECT order_id, CAST(order_date AS VARCHAR) AS order_date, amount, margin, discount,
  channel, campaign,
  amount = 0 AND EXISTS (SELECT 1 FROM orders m WHERE m.customer_id = o.customer_id
    AND (m.order_key = o.order_key || ':refunded' OR m.order_id = o.order_id)
    AND ${isZeroRefundMark('m.amount')}) AS cancelled
FROM orders o WHERE customer_id = $1 AND order_date <= CAST($2 AS DATE)
  AND NOT ${isZeroRefundMark('amount')}
ORDER BY ordered_at DESC, order_key DESC LIMIT ${Math.max(0, Math.trunc(args.limit))}`,
    params: [args.customerId, args.asOf],
  }
}
