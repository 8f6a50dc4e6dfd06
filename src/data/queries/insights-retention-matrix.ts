// Cohort retention by acquisition month: active customers and revenue per month since acquisition,
// grouped in the engine (cohorts × periods cells come back, never orders).
import type { Dialect, Query } from '../engine.ts'
import { exactSum, sqlDate } from './customer-summary.ts'
import { INSIGHTS_BASE } from './insights-base.ts'
import { INSIGHTS_DAYS } from './insights-purchase-days.ts'

/**
 * Rows (cohort 'YYYY-MM', period (months since the cohort month), customers (with a purchase that
 * month), revenue (net of refunds as the customer summary's revenue: in the month of the order
 * they refund, or of their own date when they name no order), cohort_size, observed (whole months
 * of the cohort seen up to asOf: its month counts when asOf is its last day)), period < maxPeriods.
 */
export function insightsRetentionMatrix(
  _dialect: Dialect,
  args: { asOf: string; maxPeriods: number },
): Query {
  const asOf = `DATE '${sqlDate(args.asOf)}'`
  return {
    sql: `
WITH base AS (
  SELECT cidx, date_trunc('month', first_purchase) AS cohort FROM ${INSIGHTS_BASE}
),
sizes AS (SELECT cohort, count(*) AS cohort_size FROM base GROUP BY 1),
months AS (
  SELECT cidx, date_trunc('month', day) AS m, ${exactSum('spend + unlinked')} AS spend, bool_or(purchase) AS active
  FROM ${INSIGHTS_DAYS} GROUP BY 1, 2
),
cells AS (
  SELECT b.cohort, CAST(date_diff('month', b.cohort, m.m) AS INTEGER) AS period,
    CAST(count(*) FILTER (WHERE m.active) AS INTEGER) AS customers, ${exactSum('m.spend')} AS revenue
  FROM months m JOIN base b ON b.cidx = m.cidx
  WHERE m.m >= b.cohort GROUP BY 1, 2
)
SELECT strftime(c.cohort, '%Y-%m') AS cohort, c.period, c.customers, c.revenue,
  CAST(s.cohort_size AS INTEGER) AS cohort_size,
  -- the month of asOf is observed only once it is over (asOf its last day): a cell of its first
  -- half read as a whole month's retention (8 % for June 1-15 against 16 % for all of June)
  CAST(date_diff('month', c.cohort, date_trunc('month', ${asOf}))
    + CASE WHEN ${asOf} = last_day(${asOf}) THEN 1 ELSE 0 END AS INTEGER) AS observed
FROM cells c JOIN sizes s ON s.cohort = c.cohort
WHERE c.period < $1
ORDER BY c.cohort, c.period
`,
    params: [Math.max(1, Math.trunc(args.maxPeriods))],
  }
}
