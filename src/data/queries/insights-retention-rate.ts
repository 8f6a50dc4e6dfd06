// Customer retention rate per calendar month, (E − N) / S: a customer "is a customer" on day t when
// they bought in the `window` days up to t. Activity intervals are merged per customer in SQL, so
// whether a customer is one at a date is a range test on a few intervals, not a scan of orders.
import type { Dialect, Query } from '../engine.ts'
import { sqlDate } from './customer-summary.ts'
import { INSIGHTS_DAYS } from './insights-purchase-days.ts'

/**
 * Rows (month 'YYYY-MM', start_customers S (active on the day before the month), end_customers E
 * (active on its last day), new_customers (in E, not in S, first purchase in the month),
 * reactivated (in E, not in S, bought before the month: lapsed and came back), begun (someone had
 * bought by the month's end)) for the last
 * `months` calendar months that end on or before asOf. new_customers + reactivated = E − |E ∩ S|,
 * the N of (E − N) / S. Reads insights_days (its purchase days).
 */
export function insightsRetentionRate(
  _dialect: Dialect,
  args: { asOf: string; months: number; window: number },
): Query {
  const asOf = `DATE '${sqlDate(args.asOf)}'`
  const w = Math.max(1, Math.trunc(args.window))
  const months = Math.max(1, Math.trunc(args.months))
  return {
    sql: `
WITH days AS (SELECT cidx, day FROM ${INSIGHTS_DAYS} WHERE purchase),
flagged AS (
  SELECT cidx, day,
    CASE WHEN date_diff('day', lag(day) OVER (PARTITION BY cidx ORDER BY day), day) < ${w}
      THEN 0 ELSE 1 END AS starts
  FROM days
),
numbered AS (
  SELECT cidx, day, sum(starts) OVER (PARTITION BY cidx ORDER BY day) AS k,
    min(day) OVER (PARTITION BY cidx ORDER BY day) AS first
  FROM flagged
),
spans AS (
  -- active on [first day, last day + window) of each run of purchases less than window apart
  SELECT cidx, min(day) AS a, max(day) + ${w} AS z, min(first) AS first
  FROM numbered GROUP BY cidx, k
),
ends AS (
  SELECT CAST(m AS DATE) AS month_start, CAST(m + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE) AS month_end
  -- the last whole months: those that end on or before asOf (its own month when asOf is its
  -- last day)
  FROM range(date_trunc('month', ${asOf} + INTERVAL 1 DAY) - INTERVAL ${months} MONTH,
             date_trunc('month', ${asOf} + INTERVAL 1 DAY), INTERVAL 1 MONTH) t(m)
  WHERE m + INTERVAL 1 MONTH - INTERVAL 1 DAY <= ${asOf}
),
-- per month, each customer active at some time in it: one at its start, at its end, and whether
-- they had bought before it (a customer at the end but not at the start is new or reactivated)
flags AS (
  SELECT e.month_start, s.cidx,
    bool_or(s.a <= e.month_start - 1 AND s.z > e.month_start - 1) AS at_start,
    bool_or(s.a <= e.month_end AND s.z > e.month_end) AS at_end,
    min(s.first) < e.month_start AS earlier
  FROM ends e JOIN spans s ON s.a <= e.month_end AND s.z > e.month_start - 1
  GROUP BY e.month_start, s.cidx
)
SELECT strftime(e.month_start, '%Y-%m') AS month,
  CAST(count(f.cidx) FILTER (WHERE f.at_start) AS INTEGER) AS start_customers,
  CAST(count(f.cidx) FILTER (WHERE f.at_end) AS INTEGER) AS end_customers,
  CAST(count(f.cidx) FILTER (WHERE f.at_end AND NOT f.at_start AND NOT f.earlier) AS INTEGER)
    AS new_customers,
  CAST(count(f.cidx) FILTER (WHERE f.at_end AND NOT f.at_start AND f.earlier) AS INTEGER)
    AS reactivated,
  -- someone had bought by the month's end (months before that have nobody to keep)
  coalesce(any_value(fd.day) <= e.month_end, false) AS begun
FROM ends e CROSS JOIN (SELECT min(day) AS day FROM days) fd
LEFT JOIN flags f ON f.month_start = e.month_start
GROUP BY e.month_start, e.month_end ORDER BY month
`,
  }
}
