// One customer's row of the analysis table (every summary, RFM, prediction and value column).
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'

export function customerProfileRow(
  _d: Dialect,
  args: { analysis: string; customerId: string },
): Query {
  return {
    sql: `SELECT * FROM ${sqlIdent(args.analysis)} WHERE customer_id = $1`,
    params: [args.customerId],
  }
}
