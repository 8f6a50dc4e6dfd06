// Whether the per-customer table has any revenue at all: a transaction log without amounts has
// none, and insights that rank customers by value have nothing to rank them by.
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'

/** One row: n, the customers whose revenue is not 0. */
export function insightsPriced(_dialect: Dialect, args: { table: string }): Query {
  return { sql: `SELECT count(*) FILTER (WHERE revenue <> 0) AS n FROM ${sqlIdent(args.table)}` }
}
