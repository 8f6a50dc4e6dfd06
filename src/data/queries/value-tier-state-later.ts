import type { Dialect, Query } from '../engine.ts'
import { sqlDate } from './customer-summary.ts'

/**
 * One row (n): stored tier states written by a run dated after `asOf`. A run dated back is a
 * look at the past, not the next scoring run: it must not rewrite the state its future wrote.
 */
export function laterTierStates(_d: Dialect, args: { asOf: string }): Query {
  return {
    sql: `SELECT count(*) AS n FROM tier_state WHERE as_of > DATE '${sqlDate(args.asOf)}'`,
  }
}
