// What the customer summary needs to know about the orders before it is built, in one scan: the
// last order day (the default as-of), and whether any row is a refund, carries a margin or falls
// after a given day. Each "no" lets the summary statement drop work for every one of 10M rows.
// The same scan gives the order facts of summary.json (orders after as-of, currencies).
import type { Dialect, Query } from '../engine.ts'
import { exactSum, sqlDate, sqlIdent } from './customer-summary.ts'

/**
 * One row: last_order (YYYY-MM-DD of the last non-refund row, NULL without orders), last_day
 * (of any row), refunds (rows with amount < 0), refunds_after (those dated after `asOf`: not yet
 * known at it, so not in revenue), margins (rows with a margin), orders_after
 * (non-refund rows after `asOf`; 0 without it, as the last order day is then the as-of day) and
 * amount_after (their amount, new customers' included),
 * currencies (distinct), currency (the least one), discounts (rows with a discount other than 0)
 * priced (rows with an amount other than 0: none in a transaction log without spend) and free
 * (rows with an amount of 0).
 */
export function summaryFacts(
  _dialect: Dialect,
  args: { source?: string; asOf?: string } = {},
): Query {
  const later = args.asOf ? `order_date > DATE '${sqlDate(args.asOf)}' AND amount >= 0` : null
  const after = later ? `count(*) FILTER (WHERE ${later})` : '0'
  // exact, as the summary's money (a double sum depends on the engine's order of adding)
  const amountAfter = later ? `coalesce(${exactSum('amount', { filter: later })}, 0)` : '0'
  return {
    // a DATE cast to text is YYYY-MM-DD on both engines (PostgreSQL has no strftime)
    sql: `SELECT CAST(max(order_date) FILTER (WHERE amount >= 0) AS VARCHAR) AS last_order,
  CAST(max(order_date) AS VARCHAR) AS last_day,
  count(*) FILTER (WHERE amount < 0) AS refunds,
  ${args.asOf ? `count(*) FILTER (WHERE amount < 0 AND order_date > DATE '${sqlDate(args.asOf)}')` : '0'} AS refunds_after,
  count(*) FILTER (WHERE margin IS NOT NULL) AS margins,
  ${after} AS orders_after,
  ${amountAfter} AS amount_after,
  count(DISTINCT currency) AS currencies,
  min(currency) AS currency,
  count(*) FILTER (WHERE discount <> 0) AS discounts,
  count(*) FILTER (WHERE amount <> 0) AS priced,
  count(*) FILTER (WHERE amount = 0) AS free
FROM ${sqlIdent(args.source ?? 'orders')}`,
  }
}
