// Size and value of each RFM segment, for the report's segment table.
import type { Dialect, Query } from '../engine.ts'
import { exactSum, sqlIdent } from './customer-summary.ts'
import { byteOrder } from './dialect-sql.ts'

/**
 * Rows (segment, customers, revenue, share_customers, share_revenue), largest revenue first,
 * then by segment name in byte order. Shares are DOUBLE on both engines (PostgreSQL would
 * otherwise divide in NUMERIC).
 */
export function rfmSegmentCounts(dialect: Dialect, args: { rfm: string }): Query {
  return {
    sql: `
SELECT rfm_segment AS segment,
  count(*) AS customers,
  ${exactSum('revenue')} AS revenue,
  CAST(count(*) AS DOUBLE PRECISION) / sum(count(*)) OVER () AS share_customers,
  CASE WHEN sum(${exactSum('revenue')}) OVER () <= 0 THEN NULL
    ELSE ${exactSum('revenue')} / sum(${exactSum('revenue')}) OVER () END AS share_revenue
FROM ${sqlIdent(args.rfm)}
GROUP BY rfm_segment
-- the grouped column, not the alias: PostgreSQL takes an alias only bare, not under COLLATE
ORDER BY revenue DESC, ${byteOrder(dialect, 'rfm_segment')}
`,
  }
}
