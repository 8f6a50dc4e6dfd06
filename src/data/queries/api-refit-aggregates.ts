// Per-customer order aggregates for the full refit, from every order (imported or from events).
// A purchase day is a calendar day with an order (docs/summary.md); refunds lower revenue only.
import type { Dialect, Query } from '../engine.ts'

export function refitAggregates(_dialect: Dialect): Query {
  return {
    sql: `SELECT customer_id,
  sum(CASE WHEN amount >= 0 THEN 1 ELSE 0 END) AS orders_count,
  count(DISTINCT CASE WHEN amount >= 0 THEN order_date END) AS purchase_days,
  sum(amount) AS revenue,
  min(CASE WHEN amount >= 0 THEN ordered_at END) AS first_order_at,
  max(CASE WHEN amount >= 0 THEN ordered_at END) AS last_order_at
FROM orders GROUP BY customer_id ORDER BY customer_id`,
  }
}
