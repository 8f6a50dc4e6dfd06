// Customer retention rate per calendar month, (E − N) / S: a customer "is a customer" on day t when
// they bought in the `window` days up to t. Activity intervals are merged per customer in SQL, so
// counting the customers at a date is one range count, not a scan of orders.
import type { Dialect, Query } from '../engine.ts'
import { sqlDate } from './customer-summary.ts'
import { INSIGHTS_BASE } from './insights-base.ts'
import { INSIGHTS_DAYS } from './insights-purchase-days.ts'

/**
 * Rows (month 'YYYY-MM', start_customers S (active on the day before the month), end_customers E
 * (active on its last day), new_customers N (first purchase in the month)) for the last `months`
 * calendar months that end on or before asOf. Reads insights_days (its purchase days).
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
  SELECT cidx, day, sum(starts) OVER (PARTITION BY cidx ORDER BY day) AS k
  FROM flagged
),
spans AS (
  -- active on [first day, last day + window) of each run of purchases less than window apart
  SELECT min(day) AS a, max(day) + ${w} AS z FROM numbered GROUP BY cidx, k
),
ends AS (
  SELECT CAST(m AS DATE) AS month_start, CAST(m + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE) AS month_end
  -- the last whole months: those that end on or before asOf (its own month when asOf is its
  -- last day)
  FROM range(date_trunc('month', ${asOf} + INTERVAL 1 DAY) - INTERVAL ${months} MONTH,
             date_trunc('month', ${asOf} + INTERVAL 1 DAY), INTERVAL 1 MONTH) t(m)
  WHERE m + INTERVAL 1 MONTH - INTERVAL 1 DAY <= ${asOf}
)
SELECT strftime(e.month_start, '%Y-%m') AS month,
  CAST((SELECT count(*) FROM spans s WHERE s.a <= e.month_start - 1 AND s.z > e.month_start - 1)
    AS INTEGER) AS start_customers,
  CAST((SELECT count(*) FROM spans s WHERE s.a <= e.month_end AND s.z > e.month_end) AS INTEGER)
    AS end_customers,
  CAST((SELECT count(*) FROM ${INSIGHTS_BASE} b
    WHERE b.first_purchase BETWEEN e.month_start AND e.month_end) AS INTEGER) AS new_customers
FROM ends e ORDER BY month
`,
  }
}
