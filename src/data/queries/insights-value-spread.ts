// How many different values the ranking value takes over the eligible customers: one value for all of
// them (every amount equal, a margin unknown everywhere and coalesced to 0) ranks nobody, and
// the top cohort would be the first customer ids in byte order.
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'

/**
 * One row over the customers eligible to be ranked (tenure_days >= minHistoryDays, as
 * insightsBase counts them): customers, values (distinct values of the expression), v (the
 * smallest).
 */
export function insightsValueSpread(
  _dialect: Dialect,
  args: { table: string; value: string; minHistoryDays: number },
): Query {
  const v = `CAST((${args.value}) AS DOUBLE)`
  return {
    sql: `SELECT count(*) AS customers, count(DISTINCT ${v}) AS "values", min(${v}) AS v
FROM ${sqlIdent(args.table)} WHERE tenure_days >= ${Math.trunc(args.minHistoryDays)}`,
  }
}
