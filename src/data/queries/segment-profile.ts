// Size, value and average R, F, M of each RFM segment: the report's segment table.
import type { Dialect, Query } from '../engine.ts'
import { exactSum, sqlIdent } from './customer-summary.ts'

/**
 * Rows (segment, customers, share, revenue, revenue_share, avg_recency_days, avg_orders,
 * avg_revenue) from the analysis table, largest revenue first. revenue_share is NULL when total
 * revenue is 0 or below.
 */
export function segmentProfile(_dialect: Dialect, args: { table: string }): Query {
  return {
    sql: `
SELECT rfm_segment AS segment,
  count(*) AS customers,
  count(*) / sum(count(*)) OVER () AS share,
  ${exactSum('revenue')} AS revenue,
  CASE WHEN sum(${exactSum('revenue')}) OVER () <= 0 THEN NULL
    ELSE ${exactSum('revenue')} / sum(${exactSum('revenue')}) OVER () END AS revenue_share,
  avg(days_since_last) AS avg_recency_days,
  avg(orders) AS avg_orders,
  ${exactSum('revenue')} / count(*) AS avg_revenue
FROM ${sqlIdent(args.table)}
GROUP BY rfm_segment
ORDER BY revenue DESC, segment
`,
  }
}
