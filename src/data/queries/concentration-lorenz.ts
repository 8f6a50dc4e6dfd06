// Lorenz curve at (up to) 101 evenly spaced customer shares, negative values counted as 0, read
// off the running sums of the ranked values (highest first). Portable SQL (generate_series is inclusive on both engines) except the integer division.
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'
import { intDiv } from './dialect-sql.ts'

/**
 * Rows (customer_share, value_share), ascending. Point p = 0..100 takes the k = floor(p n / 100)
 * customers with the LOWEST values and reports (k / n, their value / total); duplicate k (n < 100)
 * are merged. Values below 0 count as 0 (a Lorenz curve is defined for non-negative values);
 * value_share is NULL when the clamped total is 0.
 */
export function concentrationLorenz(dialect: Dialect, args: { ranked: string }): Query {
  const ranked = sqlIdent(args.ranked)
  return {
    sql: `
-- the k lowest values hold the clamped total minus what the n - k highest hold; the total is the
-- last running sum, so k = 0 gives exactly 0 and k = n exactly 1
WITH tot AS (SELECT count(*) AS n, coalesce(max(cum_pos), 0) AS total FROM ${ranked}),
pts AS (
  SELECT DISTINCT ${intDiv(dialect, 'p.p * tot.n', '100')} AS k
  FROM generate_series(0, 100) AS p(p) CROSS JOIN tot
)
SELECT CAST(pts.k AS DOUBLE PRECISION) / tot.n AS customer_share,
  CASE WHEN tot.total > 0 THEN (tot.total - coalesce(r.cum_pos, 0)) / tot.total END AS value_share
FROM pts CROSS JOIN tot LEFT JOIN ${ranked} r ON r.rn = tot.n - pts.k
WHERE tot.n > 0
ORDER BY pts.k
`,
  }
}
