// The last order day and the last day of any row, leaving out the cancelled orders of 0 and their
// marks (import-order-rows ZERO_REFUND): no purchase and no money, so neither the last order nor a
// reason to move the default as-of past it (a voided order a month after the last purchase made
// every customer a month more lapsed, and the as-of note, which compares the two days, said
// nothing). Run only when a mark falls on or after the last order day (summary-facts
// `last_mark`), the one case where it changes the days: it reads the orders twice.
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'
import { isZeroRefundMark } from './import-order-rows.ts'

export function summaryLastDays(_dialect: Dialect, args: { source?: string } = {}): Query {
  const source = sqlIdent(args.source ?? 'orders')
  return {
    sql: `WITH marked AS (
  SELECT DISTINCT order_id FROM ${source} WHERE ${isZeroRefundMark('amount')} AND order_id IS NOT NULL
)
SELECT CAST(max(order_date) FILTER (WHERE amount >= 0) AS VARCHAR) AS last_order,
  CAST(max(order_date) AS VARCHAR) AS last_day
FROM ${source}
WHERE NOT ${isZeroRefundMark('amount')}
  AND NOT (amount = 0 AND order_id IS NOT NULL AND order_id IN (SELECT order_id FROM marked))`,
  }
}
