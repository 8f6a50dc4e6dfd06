// The currencies of the stored orders that a staged file of order lines or returns refers to by
// order id: what the file's currency marks must name (import-file.ts, refuseForeignMarks).
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'

/** Rows (currency): each currency of a stored order named by an order_id of `staged`. */
export function referencedOrderCurrencies(_d: Dialect, args: { staged: string }): Query {
  return {
    sql: `SELECT DISTINCT currency FROM orders
WHERE currency IS NOT NULL AND order_id IN (SELECT order_id FROM ${sqlIdent(args.staged)})
ORDER BY currency`,
  }
}
