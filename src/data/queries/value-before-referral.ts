// What a referred customer had already bought and cost before their referral: a referrer is
// credited with the profit realized since the referral (docs/value.md), so the part from before
// is taken off the customer's own value in the referral sums. Few rows: only customers whose
// first purchase came before their (earliest, dated) referral.
import type { Dialect, Query } from '../engine.ts'
import { sqlDate, sqlIdent } from './customer-summary.ts'
import { RETURNS_WITH_OWNER, refundedInFull } from './value-facts.ts'

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
 * discount): for each analysis row (idx as in value-facts.ts) whose customer bought before the
 * day of their earliest dated referral (on or before `asOf`), the order rows (net amounts, order
 * rows with amount >= 0 counted as orders and those above 0 as paid ones; margin NULL when no row
 * has one), ticket minutes, returns and discounts dated before that day. Orders on the referral
 * day count as since the referral. An order refunded in full by `asOf` is left out with its
 * refunds, as the customer's own value leaves it out (value-facts.ts): it was never a sale, so it
 * neither adds to what came before nor pays an order's shipping and fee there.
 */
export function valueBeforeReferral(d: Dialect, args: { analysis: string; asOf: string }): Query {
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
)
SELECT ${dbl('e.idx')} AS idx,
  ${dbl('coalesce(o.revenue, 0)')} AS revenue, ${dbl('o.margin')} AS margin,
  ${dbl('coalesce(o.orders, 0)')} AS orders, ${dbl('coalesce(o.paid, 0)')} AS paid_orders,
  ${dbl('coalesce(t.minutes, 0)')} AS ticket_minutes,
  ${dbl('coalesce(r.returns, 0)')} AS returns, ${dbl('coalesce(r.amount, 0)')} AS return_amount,
  ${dbl('coalesce(o.discount, 0)')} AS discount
FROM early e
LEFT JOIN (
  SELECT o.customer_id, sum(o.amount) AS revenue, sum(o.margin) AS margin,
    count(*) FILTER (WHERE o.amount >= 0) AS orders,
    count(*) FILTER (WHERE o.amount > 0) AS paid, sum(coalesce(o.discount, 0)) AS discount
  FROM orders o JOIN early e ON e.customer_id = o.customer_id
  LEFT JOIN (${refundedInFull(asOf)}) c ON c.customer_id = o.customer_id AND c.order_id = o.order_id
  WHERE o.order_date < e.day AND c.order_id IS NULL
  GROUP BY o.customer_id
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
