// The first order day (of a row that is not a refund), for the message of an as-of before it:
// asked only then, so the summary's own statement keeps its one scan.
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'

/** One row: first_order (YYYY-MM-DD of the first non-refund row; NULL without one). */
export function firstOrderDay(_d: Dialect, args: { source?: string } = {}): Query {
  return {
    sql: `SELECT CAST(min(order_date) AS VARCHAR) AS first_order FROM ${sqlIdent(args.source ?? 'orders')} WHERE amount >= 0`,
  }
}
