// Size and value of each RFM segment, for the report's segment table.
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'

/** Rows (segment, customers, revenue, share_customers, share_revenue), largest revenue first. */
export function rfmSegmentCounts(_dialect: Dialect, args: { rfm: string }): Query {
  return {
    sql: `
SELECT rfm_segment AS segment,
  count(*) AS customers,
  sum(revenue) AS revenue,
  count(*) / sum(count(*)) OVER () AS share_customers,
  CASE WHEN sum(sum(revenue)) OVER () = 0 THEN NULL
    ELSE sum(revenue) / sum(sum(revenue)) OVER () END AS share_revenue
FROM ${sqlIdent(args.rfm)}
GROUP BY rfm_segment
ORDER BY revenue DESC, segment
`,
  }
}
