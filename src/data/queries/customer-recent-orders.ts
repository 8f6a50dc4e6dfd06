// A customer's latest orders (refund rows included, they are part of the story), newest first.
import type { Dialect, Query } from '../engine.ts'

export function customerRecentOrders(
  _d: Dialect,
  args: { customerId: string; limit: number },
): Query {
  return {
    sql: `SELECT order_id, CAST(order_date AS VARCHAR) AS order_date, amount, margin, discount,
  channel, campaign
FROM orders WHERE customer_id = $1
ORDER BY ordered_at DESC, order_key DESC LIMIT ${Math.max(0, Math.trunc(args.limit))}`,
    params: [args.customerId],
  }
}
