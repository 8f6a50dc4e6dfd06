// Customers whose rows up to the as-of date hold no purchase day: only refunds (of orders before
// the data, or of nothing), or a sole order refunded in full or more. The summary has no row for
// them (x would be -1), so their net amount is in no figure; analyze says so.
import type { Dialect, Query } from '../engine.ts'
import { sqlDate, sqlIdent } from './customer-summary.ts'
import { isZeroRefundMark } from './import-order-rows.ts'

const mark = isZeroRefundMark('o.amount')

/**
 * SQL body: (customer_id, net, refunds) of the customers with money rows in `source` up to `asOf`
 * (a SQL date) but no row in `summary`: the net amount of those rows, and how many of them are
 * refund rows. A customer whose rows are all cancelled orders of 0 (each with its ZERO_REFUND
 * mark) never bought nor was refunded anything: not one of them. Marks are no refund rows either.
 */
export function withoutPurchaseRows(source: string, summary: string, asOf: string): string {
  return `SELECT o.customer_id, sum(o.amount) AS net,
    count(*) FILTER (WHERE o.amount < 0 AND NOT ${mark}) AS refunds
  FROM ${sqlIdent(source)} o
  WHERE o.order_date <= ${asOf}
    AND NOT EXISTS (SELECT 1 FROM ${sqlIdent(summary)} s WHERE s.customer_id = o.customer_id)
  GROUP BY o.customer_id
  HAVING bool_or(o.amount <> 0 AND NOT ${mark})`
}

/**
 * One row (customers, net, refunds): customers with rows in `source` up to `asOf` but no row in
 * `summary` (withoutPurchaseRows), the net amount of those rows, and how many of them are refund
 * rows.
 */
export function customersWithoutPurchase(
  _dialect: Dialect,
  args: { source?: string; summary: string; asOf: string },
): Query {
  const rows = withoutPurchaseRows(
    args.source ?? 'orders',
    args.summary,
    `DATE '${sqlDate(args.asOf)}'`,
  )
  return {
    sql: `SELECT count(*) AS customers, coalesce(sum(net), 0) AS net,
  coalesce(sum(refunds), 0) AS refunds
FROM (${rows}) c`,
  }
}
