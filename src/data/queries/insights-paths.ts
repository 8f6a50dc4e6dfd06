// "Paths from new to loyal": the first order's categories followed by the second order's, counted
// among eligible customers with their top-cohort rate. Grouped in SQL; only common paths return.
import type { Dialect, Query } from '../engine.ts'
import { INSIGHTS_BASE } from './insights-base.ts'
import { INSIGHTS_FIRST } from './insights-first-orders.ts'

/**
 * Rows (first, second, customers, top) for every (first-order categories, second-order
 * categories) pair held by at least `minCount` eligible customers; `second` is NULL for customers
 * with no second purchase. Categories are joined with ' + ' in alphabetical order.
 */
export function insightsPaths(_dialect: Dialect, args: { minCount: number }): Query {
  return {
    sql: `
SELECT array_to_string(f.first_categories, ' + ') AS first,
  CASE WHEN f.second_categories IS NULL THEN NULL
    ELSE array_to_string(f.second_categories, ' + ') END AS second,
  CAST(count(*) AS INTEGER) AS customers,
  CAST(count(*) FILTER (WHERE b.top) AS INTEGER) AS top
FROM ${INSIGHTS_BASE} b JOIN ${INSIGHTS_FIRST} f ON f.cidx = b.cidx
WHERE b.eligible AND len(f.first_categories) > 0
GROUP BY 1, 2 HAVING count(*) >= $1
ORDER BY top DESC, customers DESC, first, second
`,
    params: [Math.max(1, Math.trunc(args.minCount))],
  }
}
