import type { Dialect, Query } from '../engine.ts'
import { sqlDate } from './customer-summary.ts'

/**
 * One row (n, latest): stored tier states written by a run dated after `asOf`, and the latest
 * such run's date ('YYYY-MM-DD', NULL when none). A run dated back is a look at the past, not the
 * next scoring run: it must not rewrite the state its future wrote.
 */
export function laterTierStates(_d: Dialect, args: { asOf: string }): Query {
  return {
    sql: `SELECT count(*) AS n, CAST(max(as_of) AS VARCHAR) AS latest FROM tier_state WHERE as_of > DATE '${sqlDate(args.asOf)}'`,
  }
}
