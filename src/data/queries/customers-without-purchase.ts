// Customers whose rows up to the as-of date hold no purchase day: only refunds (of orders before
// the data, or of nothing), or a sole order refunded in full or more. The summary has no row for
// them (x would be -1), so their net amount is in no figure; analyze says so.
import type { Dialect, Query } from '../engine.ts'
import { sqlDate, sqlIdent } from './customer-summary.ts'

/**
 * One row (customers, net, refunds): customers with rows in `source` up to `asOf` but no row in
 * `summary`, the net amount of those rows, and how many of them are refund rows.
 */
export function customersWithoutPurchase(
  _dialect: Dialect,
  args: { source?: string; summary: string; asOf: string },
): Query {
  const summary = sqlIdent(args.summary)
  return {
    sql: `SELECT count(DISTINCT o.customer_id) AS customers, coalesce(sum(o.amount), 0) AS net,
  count(*) FILTER (WHERE o.amount < 0) AS refunds
FROM ${sqlIdent(args.source ?? 'orders')} o
WHERE o.order_date <= DATE '${sqlDate(args.asOf)}'
  AND NOT EXISTS (SELECT 1 FROM ${summary} s WHERE s.customer_id = o.customer_id)`,
  }
}
