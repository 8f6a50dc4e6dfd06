// "Paths from new to loyal": a category of the first order followed by a category of the second,
// counted among eligible customers with their top-cohort rate. Grouped in SQL; the repeat buyers'
// totals come along, since a path is only defined for them and its lift is measured against them.
import type { Dialect, Query } from '../engine.ts'
import { INSIGHTS_BASE } from './insights-base.ts'
import { INSIGHTS_FIRST } from './insights-first-orders.ts'

/**
 * Rows (first, second, customers, top, repeat_customers, repeat_top) for every (first-order
 * category, second-order category) pair held by at least `minCount` eligible customers with a
 * second purchase; repeat_customers and repeat_top count those customers (with a category in both
 * orders) and the top cohort among them. With no such pair one row comes back with first NULL, so
 * that the totals are still known. A customer whose orders hold several categories is on each of
 * their pairs, once: paths keyed by whole category sets split customers so finely that only "no
 * second order" paths reached any support, and those lead nowhere.
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
),
grouped AS (
  SELECT first, second, CAST(count(*) AS INTEGER) AS customers,
    CAST(count(*) FILTER (WHERE top) AS INTEGER) AS top
  FROM pairs
  GROUP BY 1, 2 HAVING count(*) >= $1
),
totals AS (
  SELECT CAST(count(*) AS INTEGER) AS repeat_customers,
    CAST(count(*) FILTER (WHERE top) AS INTEGER) AS repeat_top
  FROM c
)
SELECT g.first, g.second, g.customers, g.top, t.repeat_customers, t.repeat_top
FROM totals t LEFT JOIN grouped g ON true
ORDER BY g.top DESC, g.customers DESC, g.first, g.second
`,
    params: [Math.max(1, Math.trunc(args.minCount))],
  }
}
