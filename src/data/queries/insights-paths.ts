// "Paths from new to loyal": a category of the first order followed by a category of the second,
// counted among eligible customers with their top-cohort rate. Grouped in SQL; only common paths
// that lead someone to the top return.
import type { Dialect, Query } from '../engine.ts'
import { INSIGHTS_BASE } from './insights-base.ts'
import { INSIGHTS_FIRST } from './insights-first-orders.ts'

/**
 * Rows (first, second, customers, top) for every (first-order category, second-order category)
 * pair held by at least `minCount` eligible customers with a second purchase, at least one of
 * them in the top cohort. A customer whose orders hold several categories is on each of their
 * pairs, once: paths keyed by whole category sets split customers so finely that only "no second
 * order" paths reached any support, and those lead nowhere.
 */
export function insightsPaths(_dialect: Dialect, args: { minCount: number }): Query {
  return {
    sql: `
WITH c AS (
  SELECT b.cidx, b.top, f.first_categories, f.second_categories
  FROM ${INSIGHTS_BASE} b JOIN ${INSIGHTS_FIRST} f ON f.cidx = b.cidx
  WHERE b.eligible AND len(f.first_categories) > 0 AND len(f.second_categories) > 0
),
firsts AS (SELECT cidx, top, unnest(first_categories) AS first, second_categories FROM c),
pairs AS (
  SELECT DISTINCT * FROM (SELECT cidx, top, first, unnest(second_categories) AS second FROM firsts)
)
SELECT first, second, CAST(count(*) AS INTEGER) AS customers,
  CAST(count(*) FILTER (WHERE top) AS INTEGER) AS top
FROM pairs
GROUP BY 1, 2 HAVING count(*) >= $1 AND count(*) FILTER (WHERE top) > 0
ORDER BY top DESC, customers DESC, first, second
`,
    params: [Math.max(1, Math.trunc(args.minCount))],
  }
}
