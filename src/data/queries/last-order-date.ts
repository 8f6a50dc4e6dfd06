// The default as-of date of a summary: the last day anybody ordered.
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'

/** The latest order day in `source` as YYYY-MM-DD in column `d` (NULL when there are no orders). */
export function lastOrderDate(_dialect: Dialect, source = 'orders'): Query {
  return {
    // a DATE cast to text is YYYY-MM-DD on both engines (PostgreSQL has no strftime)
    sql: `SELECT CAST(max(order_date) AS VARCHAR) AS d FROM ${sqlIdent(source)} WHERE amount >= 0`,
  }
}
