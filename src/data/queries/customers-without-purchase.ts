// Customers whose rows up to the as-of date hold no purchase day: only refunds (of orders before
// the data, or of nothing), or a sole order refunded in full or more. The summary has no row for
// them (x would be -1), so their net amount is in no figure; analyze says so.
import type { Dialect, Query } from '../engine.ts'
import { sqlDate, sqlIdent } from './customer-summary.ts'
import { isZeroRefundMark } from './import-order-rows.ts'

const mark = isZeroRefundMark('o.amount')

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
    // A customer whose rows are all cancelled orders of 0 (each with its ZERO_REFUND mark) never
    // bought nor was refunded anything: no one to warn of. Marks are no refund rows either.
    sql: `SELECT count(*) AS customers, coalesce(sum(net), 0) AS net,
  coalesce(sum(refunds), 0) AS refunds
FROM (SELECT o.customer_id, sum(o.amount) AS net,
    count(*) FILTER (WHERE o.amount < 0 AND NOT ${mark}) AS refunds,
    bool_or(o.amount <> 0 AND NOT ${mark}) AS money
  FROM ${sqlIdent(args.source ?? 'orders')} o
  WHERE o.order_date <= DATE '${sqlDate(args.asOf)}'
    AND NOT EXISTS (SELECT 1 FROM ${summary} s WHERE s.customer_id = o.customer_id)
  GROUP BY o.customer_id) c
WHERE money`,
  }
}
