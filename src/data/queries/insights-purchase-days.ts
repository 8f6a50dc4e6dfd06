// Purchase days once: (customer, day, net spend) up to asOf, shared by first orders, lapsed best,
// the retention matrix and the retention rate, so the orders table is aggregated once instead of
// four times. Keyed by the integer cidx of insights_base: every later window, group and join on
// these ten million rows compares integers, not customer id strings.
import type { Dialect, Query } from '../engine.ts'
import { exactSum, refundedOrders, sqlDate } from './customer-summary.ts'
import { INSIGHTS_BASE } from './insights-base.ts'

export const INSIGHTS_DAYS = 'insights_days'

/**
 * CREATE OR REPLACE TEMP TABLE insights_days (cidx, day, spend, purchase): one row per customer
 * of insights_base (build it first) and order day on or before asOf, spend = net amount of the
 * day. Refunds are netted as the customer summary nets them (docs/summary.md): a refund row goes to
 * the day of the order it names (same customer and order id) once it has happened (its own date on
 * or before asOf), whatever day it is dated; a refund that names no order lowers no day.
 * purchase: an order row (amount >= 0), and a net spend above 0 unless the day has no refund, so a
 * $0 order (a free sample, a log without amounts) is a purchase, a day whose orders were all
 * refunded (the same day or later) is not.
 */
export function insightsPurchaseDays(_dialect: Dialect, args: { asOf: string }): Query {
  const asOf = `DATE '${sqlDate(args.asOf)}'`
  return {
    sql: `
CREATE OR REPLACE TEMP TABLE ${INSIGHTS_DAYS} AS
WITH refunds AS (
  SELECT customer_id, order_id, amount FROM orders
  WHERE amount < 0 AND order_id IS NOT NULL AND order_date <= ${asOf}
),
refunded AS (${refundedOrders('orders', 'refunds')}),
lines AS (
  SELECT customer_id, order_date AS day, amount FROM orders
  WHERE amount >= 0 AND order_date <= ${asOf}
  UNION ALL
  SELECT r.customer_id, d.day, r.amount FROM refunds r
  JOIN refunded d ON d.customer_id = r.customer_id AND d.order_id = r.order_id
  WHERE d.day <= ${asOf}
)
SELECT b.cidx, l.day, ${exactSum('l.amount')} AS spend,
  bool_or(l.amount >= 0) AND (${exactSum('l.amount')} > 0 OR bool_and(l.amount >= 0)) AS purchase
FROM lines l JOIN ${INSIGHTS_BASE} b ON b.customer_id = l.customer_id
GROUP BY 1, 2
`,
  }
}
