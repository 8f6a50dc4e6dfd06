// Totals of the ranked values: how many customers, their net total and the negative part.
import type { Dialect, Query } from '../engine.ts'
import { exactSum, sqlIdent } from './customer-summary.ts'

/**
 * One row (customers, total, negative_customers, negative_total) over the table made by
 * `concentrationRanked`; zeros for an empty table.
 */
export function concentrationTotals(_dialect: Dialect, args: { ranked: string }): Query {
  return {
    sql: `
SELECT count(*) AS customers,
  coalesce(${exactSum('value')}, 0) AS total,
  count(*) FILTER (WHERE value < 0) AS negative_customers,
  coalesce(${exactSum('value', { filter: 'value < 0' })}, 0) AS negative_total
FROM ${sqlIdent(args.ranked)}
`,
  }
}
