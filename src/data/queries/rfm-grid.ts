// Customer counts and revenue per (R, FM) cell: the report's segment grid.
import type { Dialect, Query } from '../engine.ts'
import { exactSum, sqlIdent } from './customer-summary.ts'
import { byteOrder } from './dialect-sql.ts'

/**
 * Rows (r_score, fm_score, rfm_segment, customers, revenue) for every occupied cell, best cell
 * first; segments sharing a cell (rules on f or m alone) in byte order of their names.
 */
export function rfmGrid(dialect: Dialect, args: { rfm: string }): Query {
  return {
    sql: `
SELECT r_score, fm_score, rfm_segment, count(*) AS customers, ${exactSum('revenue')} AS revenue
FROM ${sqlIdent(args.rfm)}
GROUP BY r_score, fm_score, rfm_segment
ORDER BY r_score DESC, fm_score DESC, ${byteOrder(dialect, 'rfm_segment')}
`,
  }
}
