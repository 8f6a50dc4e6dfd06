// RFM segment names in the order of value-facts.ts `segment` codes (dense rank by name).
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'

/** The RFM segment names in the order of `segment` codes above. */
export function valueSegments(_d: Dialect, args: { analysis: string }): Query {
  return {
    sql: `SELECT DISTINCT rfm_segment AS name FROM ${sqlIdent(args.analysis)} ORDER BY rfm_segment`,
  }
}
