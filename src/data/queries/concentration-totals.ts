// Totals of the ranked values: how many customers, their net total and the negative part.
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'

/**
 * One row (customers, total, negative_customers, negative_total) over the table made by
 * `concentrationRanked`; zeros for an empty table.
 */
export function concentrationTotals(_dialect: Dialect, args: { ranked: string }): Query {
  return {
    sql: `
SELECT count(*) AS customers,
  coalesce(sum(value), 0) AS total,
  count(*) FILTER (WHERE value < 0) AS negative_customers,
  coalesce(sum(value) FILTER (WHERE value < 0), 0) AS negative_total
FROM ${sqlIdent(args.ranked)}
`,
  }
}
