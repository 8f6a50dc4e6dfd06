// What a referred customer had already bought and cost before their referral: a referrer is
// credited with the profit realized since the referral (docs/value.md), so the part from before
// is taken off the customer's own value in the referral sums. Few rows: only customers whose
// first purchase came before their (earliest, dated) referral.
import type { Dialect, Query } from '../engine.ts'
import { customerMarginRates, refundedOrders, sqlDate, sqlIdent } from './customer-summary.ts'
import { pricedMarginSql, RETURNS_WITH_OWNER, refundedInFull } from './value-facts.ts'

/** Columns of {@link valueBeforeReferral}, after idx, all DOUBLE PRECISION. */
export const BEFORE_REFERRAL_COLUMNS = [
  'revenue',
  'margin',
  'orders',
  'paid_orders',
  'ticket_minutes',
  'returns',
  'return_amount',
  'discount',
] as const

/**
 * Rows (idx, revenue, margin, orders, paid_orders, ticket_minutes, returns, return_amount,
 * discount): for each analysis row (idx as in value-facts.ts) whose customer bought
 * before the day of their earliest dated referral (on or before `asOf`), what came before that
 * day by the rules of the customer's own value (customer-summary.ts): the order rows dated before
 * it (amount >= 0 counted as orders, those above 0 as paid ones) with the refunds of those orders
 * known by `asOf` netted in, whatever their own date (a refund belongs to its order's day), and
 * refunds naming no stored order by their own date; ticket minutes, returns and discounts dated
 * before the day. margin sums the known margins, a refund without one taking back its order's
 * margin rate (the customer's own rate for an unlinked refund), and prices the revenue whose
 * margin is unknown at `defaultMarginRate`, as the customer's own value does (value-facts.ts,
 * pricedMarginSql); NULL when none is known. Orders on the referral day
 * count as since the referral. An order refunded in full by `asOf` is left out with its refunds,
 * as the customer's own value leaves it out: it was never a sale, so it neither adds to what came
 * before nor pays an order's shipping and fee there.
 */
export function valueBeforeReferral(
  d: Dialect,
  args: { analysis: string; asOf: string; defaultMarginRate: number },
): Query {
  const a = sqlIdent(args.analysis)
  const asOf = `DATE '${sqlDate(args.asOf)}'`
  const idx = d === 'duckdb' ? 'a.rowid' : 'v.idx'
  const nodes = d === 'duckdb' ? '' : '\n  JOIN value_nodes v ON v.customer_id = a.customer_id'
  const dbl = (e: string): string => `CAST(${e} AS DOUBLE PRECISION)`
  return {
    sql: `WITH since AS (
  SELECT referred_id AS customer_id, min(referred_date) AS day
  FROM referrals
  WHERE referred_date <= ${asOf}
    AND referrer_id <> referred_id
  GROUP BY referred_id
),
early AS (
  SELECT ${idx} AS idx, a.customer_id, s.day
  FROM ${a} a${nodes}
  JOIN since s ON s.customer_id = a.customer_id
  WHERE a.first_purchase < s.day
),
cancelled AS (${refundedInFull(asOf)}),
early_refunds AS (
  SELECT o.customer_id, o.order_id, o.order_date, o.amount, o.margin, e.day AS before_day
  FROM orders o JOIN early e ON e.customer_id = o.customer_id
  WHERE o.amount < 0 AND o.order_date <= ${asOf}
),
refunded AS (${refundedOrders('orders', 'early_refunds', true)}),
-- an unlinked refund's margin: the customer's own rate when every order row of theirs has one
customer_rates AS (${customerMarginRates('orders', 'early_refunds', asOf)}),
lines AS (
  SELECT o.customer_id, o.amount, o.margin, coalesce(o.discount, 0) AS discount, 1 AS is_order
  FROM orders o JOIN early e ON e.customer_id = o.customer_id
  LEFT JOIN cancelled c ON c.customer_id = o.customer_id AND c.order_id = o.order_id
  WHERE o.amount >= 0 AND o.order_date < e.day AND c.order_id IS NULL
  UNION ALL
  SELECT r.customer_id, r.amount,
    coalesce(r.margin, r.amount * CASE WHEN ro.customer_id IS NULL THEN cr.margin_rate ELSE ro.margin_rate END),
    0, 0
  FROM early_refunds r
  LEFT JOIN refunded ro ON ro.customer_id = r.customer_id AND ro.order_id = r.order_id
  LEFT JOIN customer_rates cr ON cr.customer_id = r.customer_id
  LEFT JOIN cancelled c ON c.customer_id = r.customer_id AND c.order_id = r.order_id
  WHERE c.order_id IS NULL AND coalesce(ro.day, r.order_date) < r.before_day
)
SELECT ${dbl('e.idx')} AS idx,
  ${dbl('coalesce(o.revenue, 0)')} AS revenue,
  ${dbl(pricedMarginSql('o.margin', 'o.revenue', 'o.margin_revenue', args.defaultMarginRate))} AS margin,
  ${dbl('coalesce(o.orders, 0)')} AS orders, ${dbl('coalesce(o.paid, 0)')} AS paid_orders,
  ${dbl('coalesce(t.minutes, 0)')} AS ticket_minutes,
  ${dbl('coalesce(r.returns, 0)')} AS returns, ${dbl('coalesce(r.amount, 0)')} AS return_amount,
  ${dbl('coalesce(o.discount, 0)')} AS discount
FROM early e
LEFT JOIN (
  SELECT customer_id, sum(amount) AS revenue, sum(margin) AS margin,
    sum(amount) FILTER (WHERE margin IS NOT NULL) AS margin_revenue,
    count(*) FILTER (WHERE is_order = 1) AS orders,
    count(*) FILTER (WHERE is_order = 1 AND amount > 0) AS paid, sum(discount) AS discount
  FROM lines
  GROUP BY customer_id
) o ON o.customer_id = e.customer_id
LEFT JOIN (
  SELECT t.customer_id, sum(coalesce(t.handling_minutes, 0)) AS minutes
  FROM tickets t JOIN early e ON e.customer_id = t.customer_id
  WHERE t.opened_date < e.day
  GROUP BY t.customer_id
) t ON t.customer_id = e.customer_id
LEFT JOIN (
  SELECT coalesce(r.customer_id, o.customer_id) AS customer_id, count(*) AS returns,
    sum(r.amount) AS amount
  FROM ${RETURNS_WITH_OWNER}
  JOIN early e ON e.customer_id = coalesce(r.customer_id, o.customer_id)
  WHERE r.returned_date < e.day
  GROUP BY 1
) r ON r.customer_id = e.customer_id
ORDER BY 1`,
  }
}
