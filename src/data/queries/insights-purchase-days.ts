// Purchase days once: (customer, day, net spend) up to asOf, shared by first orders, lapsed best,
// the retention matrix and the retention rate, so the orders table is aggregated once instead of
// four times. Keyed by the integer cidx of insights_base: every later window, group and join on
// these ten million rows compares integers, not customer id strings.
import type { Dialect, Query } from '../engine.ts'
import { exactSum, overRefunds, refundedOrders, sqlDate, toDecimal } from './customer-summary.ts'
import { INSIGHTS_BASE } from './insights-base.ts'

export const INSIGHTS_DAYS = 'insights_days'

/**
 * CREATE OR REPLACE TEMP TABLE insights_days (cidx, day, spend, unlinked, purchase): one row per
 * customer of insights_base (build it first) and day on or before asOf with an order or a refund,
 * spend = net amount of the day's orders. Refunds are netted as the customer summary nets them
 * (docs/summary.md): a refund row goes to the day of the order it names (same customer and order
 * id) once it has happened (its own date on or before asOf), whatever day it is dated; a refund
 * that names no order lowers no order's day but the customer's revenue: it is in `unlinked` (0 or
 * less) on its own date, as is what refunds give back beyond their order's amount (on the order's
 * day). purchase: the summary's rule to the letter: an order row (amount >= 0) of an order not
 * cancelled (refunds known by asOf taking back its whole amount), and a net spend above 0 unless
 * the day has no refund of its orders or has a $0 order not cancelled (a free sample, a log
 * without amounts: a purchase also beside an order refunded in full), so a day whose orders were
 * all refunded (the same day or later) is not, a refunded $0 order's day included.
 */
export function insightsPurchaseDays(
  _dialect: Dialect,
  args: {
    asOf: string
    /** The table to make (default insights_days). */
    table?: string
    /** Only these customers' days: a subquery of customer_id (default every customer). */
    customers?: string
  },
): Query {
  const asOf = `DATE '${sqlDate(args.asOf)}'`
  const table = args.table ?? INSIGHTS_DAYS
  // the orders read: of the customers asked for, else the table itself (no CTE over it)
  const src = args.customers ? 'orders_of' : 'orders'
  const only = args.customers
    ? `orders_of AS (SELECT * FROM orders WHERE customer_id IN (${args.customers})),\n`
    : ''
  return {
    sql: `
CREATE OR REPLACE TEMP TABLE ${table} AS
WITH ${only}refunds AS (
  SELECT customer_id, order_id, order_date, amount FROM ${src}
  WHERE amount < 0 AND order_date <= ${asOf}
),
refunded AS (${refundedOrders(src, 'refunds')}),
over AS (${overRefunds('refunds', 'refunded', `d.day <= ${asOf}`)}),
-- orders whose refunds take back their whole amount are no orders, as in the summary (its
-- is_order = 0): a $0 order refunded at all is one, and no longer makes its day a purchase (the
-- insights counted it where the summary did not)
cancelled AS (
  SELECT d.customer_id, d.order_id FROM refunds r
  JOIN refunded d ON d.customer_id = r.customer_id AND d.order_id = r.order_id
  WHERE d.day <= ${asOf}
  GROUP BY d.customer_id, d.order_id, d.amount
  HAVING ${toDecimal('d.amount')} + sum(${toDecimal('r.amount')}) <= 0
),
lines AS (
  SELECT o.customer_id, o.order_date AS day, o.amount, true AS linked, c.order_id IS NULL AS kept
  FROM ${src} o LEFT JOIN cancelled c ON c.customer_id = o.customer_id AND c.order_id = o.order_id
  WHERE o.amount >= 0 AND o.order_date <= ${asOf}
  UNION ALL
  SELECT r.customer_id, coalesce(d.day, r.order_date), r.amount, d.day IS NOT NULL, false
  FROM refunds r LEFT JOIN refunded d ON d.customer_id = r.customer_id AND d.order_id = r.order_id
  WHERE d.day IS NULL OR d.day <= ${asOf}
  UNION ALL
  -- what refunds give back beyond their order's amount: off the customer, not the day's orders
  SELECT customer_id, day, excess, true, false FROM over
  UNION ALL
  SELECT customer_id, day, -excess, false, false FROM over
)
SELECT b.cidx, l.day, coalesce(${exactSum('l.amount', { filter: 'l.linked' })}, 0) AS spend,
  coalesce(${exactSum('l.amount', { filter: 'NOT l.linked' })}, 0) AS unlinked,
  bool_or(l.kept) AND (${exactSum('l.amount', { filter: 'l.linked' })} > 0
    OR bool_and(l.amount >= 0 OR NOT l.linked) OR bool_or(l.kept AND l.amount = 0)) AS purchase
FROM lines l JOIN ${INSIGHTS_BASE} b ON b.customer_id = l.customer_id
GROUP BY 1, 2
`,
  }
}
