// Is the analysis table currently the value view of a previous run (value-join.ts)? Then it must
// be dropped before the analysis table is created again under the same name.
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'

/** One row: n = 1 when `<analysis>` is a view. */
export function analysisView(_d: Dialect, args: { analysis: string }): Query {
  return {
    sql: `SELECT count(*) AS n FROM information_schema.tables
WHERE table_name = $1 AND table_type = 'VIEW'`,
    params: [sqlIdent(args.analysis)],
  }
}
