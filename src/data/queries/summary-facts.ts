// What the customer summary needs to know about the orders before it is built: the
// last order day (the default as-of), and whether any row is a refund, carries a margin or falls
// after a given day. Each "no" lets the summary statement drop work for every one of 10M rows.
// The same facts go into summary.json (orders after as-of, currencies).
import type { Dialect, Query } from '../engine.ts'
import { exactSum, sqlDate, sqlIdent } from './customer-summary.ts'
import { isZeroRefundMark } from './import-order-rows.ts'

/**
 * One row: last_order (YYYY-MM-DD of the last non-refund row, NULL without orders), last_day
 * (of any row), refunds (rows with amount < 0), refunds_after (those dated after `asOf`: not yet
 * known at it, so not in revenue), marks and marks_after (of those, the ZERO_REFUND marks of
 * cancelled orders of 0: no money refunded) and last_mark (the day of the last of those),
 * margins (rows with a margin), orders_after
 * (non-refund rows after `asOf`; 0 without it, as the last order day is then the as-of day) and
 * amount_after (their amount, new customers' included),
 * currencies (distinct), currency (the least one), discounts (rows with a discount other than 0)
 * priced (rows with an amount other than 0, marks aside: none in a transaction log without spend) and free
 * (rows with an amount of 0).
 */
export function summaryFacts(
  dialect: Dialect,
  args: { source?: string; asOf?: string } = {},
): Query {
  const source = sqlIdent(args.source ?? 'orders')
  const asOf = args.asOf ? `DATE '${sqlDate(args.asOf)}'` : null
  const later = asOf ? `order_date > ${asOf} AND amount >= 0` : null
  // On DuckDB one count per condition, each its own filtered scan: the engine decides a filter
  // that the table's statistics rule out (no negative amount, no margin column, no day after
  // as-of) without reading a row, where one scan with every FILTER reads all of them (~0.25 s for
  // ten million orders, ~0.07 s of it for the two days). PostgreSQL reads every row either way:
  // one scan there.
  const apart = dialect === 'duckdb'
  const count = (where: string | null): string =>
    where === null
      ? '0'
      : apart
        ? `(SELECT count(*) FROM ${source} WHERE ${where})`
        : `count(*) FILTER (WHERE ${where})`
  // exact, as the summary's money (a double sum depends on the engine's order of adding)
  const amountAfter =
    later === null
      ? '0'
      : apart
        ? `(SELECT coalesce(${exactSum('amount')}, 0) FROM ${source} WHERE ${later})`
        : `coalesce(${exactSum('amount', { filter: later })}, 0)`
  // a DATE cast to text is YYYY-MM-DD on both engines (PostgreSQL has no strftime)
  const days = `CAST(max(order_date) FILTER (WHERE amount >= 0) AS VARCHAR) AS last_order,
  CAST(max(order_date) AS VARCHAR) AS last_day`
  const mark = isZeroRefundMark('amount')
  // the day of the last mark: only a cancelled order on or after the last order day moves the
  // days above (a mark and its order share their day), and only then are they read again
  // without the marked orders (summary-last-days.ts)
  // (on DuckDB with the count of marks, in one filtered read of them)
  const marks = `count(*) AS marks, CAST(max(order_date) AS VARCHAR) AS last_mark`
  const money = 'count(DISTINCT currency) AS currencies, min(currency) AS currency'
  const facts = `${count('amount < 0')} AS refunds,
  ${count(asOf && `amount < 0 AND order_date > ${asOf}`)} AS refunds_after,
  ${apart ? 'marks, last_mark' : `count(*) FILTER (WHERE ${mark}) AS marks, CAST(max(order_date) FILTER (WHERE ${mark}) AS VARCHAR) AS last_mark`},
  ${count(asOf && `${mark} AND order_date > ${asOf}`)} AS marks_after,
  ${count('margin IS NOT NULL')} AS margins,
  ${count(later)} AS orders_after,
  ${amountAfter} AS amount_after,
  ${count('discount <> 0')} AS discounts,
  ${count(`amount <> 0 AND NOT ${mark}`)} AS priced,
  ${count('amount = 0')} AS free`
  return {
    sql: apart
      ? `WITH days AS (SELECT ${days} FROM ${source}),
money AS (SELECT ${money} FROM ${source} WHERE currency IS NOT NULL),
marked AS (SELECT ${marks} FROM ${source} WHERE ${mark})
SELECT last_order, last_day, currencies, currency,
  ${facts}
FROM days, money, marked`
      : `SELECT ${days}, ${money},
  ${facts}
FROM ${source}`,
  }
}
