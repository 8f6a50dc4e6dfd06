import type { Dialect, Query } from '../engine.ts'

/**
 * Rows (order_id, customer_id, paid, refunded) of the stored orders with these ids: what was paid
 * (the order rows) and refunded so far (its refund rows, as a positive sum), per customer.
 */
export function refundOrders(_d: Dialect, orderIds: readonly string[]): Query {
  const marks = orderIds.map((_, i) => `$${i + 1}`).join(', ')
  return {
    sql: `SELECT order_id, customer_id,
  coalesce(sum(amount) FILTER (WHERE amount >= 0), 0) AS paid,
  coalesce(-sum(amount) FILTER (WHERE amount < 0), 0) AS refunded
FROM orders WHERE order_id IN (${marks})
GROUP BY order_id, customer_id`,
    params: [...orderIds],
  }
}
