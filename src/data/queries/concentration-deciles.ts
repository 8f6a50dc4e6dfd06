// Decile table: customers sorted by value, decile 1 = the top 10 %. Portable SQL except the
// integer division and the tie order (dialect-sql.ts).
import type { Dialect, Query } from '../engine.ts'
import { exactSum, sqlIdent } from './customer-summary.ts'
import { intDiv } from './dialect-sql.ts'

/**
 * Rows (decile, customers, value, share, cumulative_share, revenue, orders,
 * orders_per_customer, aov, min_value, max_value). Customer i (1-based, by value descending,
 * ties by customer_id) is in decile 1 + floor(10 (i - 1) / n), so deciles 1..d together are
 * exactly the top ceil(d n / 10) customers, matching the top-share definition. With fewer than
 * ten customers some deciles are empty and absent. aov = revenue / orders of the decile.
 */
export function concentrationDeciles(dialect: Dialect, args: { ranked: string }): Query {
  return {
    sql: `
WITH tot AS (SELECT count(*) AS n FROM ${sqlIdent(args.ranked)}),
d AS (
  SELECT 1 + ${intDiv(dialect, '10 * (rn - 1)', 'tot.n')} AS decile,
    count(*) AS customers, ${exactSum('value')} AS value, ${exactSum('revenue')} AS revenue,
    sum(orders) AS orders,
    min(value) AS min_value, max(value) AS max_value
  FROM ${sqlIdent(args.ranked)} CROSS JOIN tot GROUP BY 1
)
SELECT decile, customers, value,
  CASE WHEN sum(value) OVER () <= 0 THEN NULL ELSE value / sum(value) OVER () END AS share,
  CASE WHEN sum(value) OVER () <= 0 THEN NULL
    ELSE sum(value) OVER (ORDER BY decile) / sum(value) OVER () END AS cumulative_share,
  revenue, orders,
  -- DOUBLE: PostgreSQL would truncate the integer quotient
  CAST(orders AS DOUBLE PRECISION) / customers AS orders_per_customer,
  CASE WHEN orders = 0 THEN NULL ELSE revenue / orders END AS aov,
  min_value, max_value
FROM d ORDER BY decile
`,
  }
}
