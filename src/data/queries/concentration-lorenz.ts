// Lorenz curve at (up to) 101 evenly spaced customer shares, negative values counted as 0.
// Portable SQL (generate_series is inclusive on both engines) except the integer division.
import type { Dialect, Query } from '../engine.ts'
import { type ConcentrationArgs, valueOrder, valueSource } from './concentration-source.ts'
import { intDiv } from './dialect-sql.ts'

/**
 * Rows (customer_share, value_share), ascending. Point p = 0..100 takes the k = floor(p n / 100)
 * customers with the LOWEST values and reports (k / n, their value / total); duplicate k (n < 100)
 * are merged. Values below 0 count as 0 (a Lorenz curve is defined for non-negative values);
 * value_share is NULL when the clamped total is 0.
 */
export function concentrationLorenz(dialect: Dialect, args: ConcentrationArgs): Query {
  return {
    sql: `
WITH ranked AS (
  SELECT row_number() OVER w AS k, sum(greatest(value, 0)) OVER w AS cum
  FROM ${valueSource(args)} s
  WINDOW w AS (ORDER BY ${valueOrder(dialect, 'ASC')}
    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
tot AS (SELECT count(*) AS n, sum(greatest(value, 0)) AS total FROM ${valueSource(args)} s2),
pts AS (
  SELECT DISTINCT ${intDiv(dialect, 'p.p * tot.n', '100')} AS k
  FROM generate_series(0, 100) AS p(p) CROSS JOIN tot
)
SELECT CAST(pts.k AS DOUBLE PRECISION) / tot.n AS customer_share,
  CASE WHEN tot.total > 0 THEN coalesce(r.cum, 0) / tot.total ELSE NULL END AS value_share
FROM pts CROSS JOIN tot LEFT JOIN ranked r ON r.k = pts.k
WHERE tot.n > 0
ORDER BY pts.k
`,
  }
}
