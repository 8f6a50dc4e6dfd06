// The top cohort against the other eligible customers on a few behaviour medians, for the ICP text.
import type { Dialect, Query } from '../engine.ts'
import { INSIGHTS_BASE } from './insights-base.ts'
import { INSIGHTS_FIRST } from './insights-first-orders.ts'

/**
 * Rows (top, customers, purchases_per_year (median), median_gap_days (median of each customer's
 * mean gap), first_order_value (median), back_within (share with a second purchase within
 * `days` of the first), discount_first (share with a discount on the first order)) for the
 * eligible customers, top first.
 */
export function insightsTopProfile(_dialect: Dialect, args: { days: number }): Query {
  const d = Math.max(1, Math.trunc(args.days))
  return {
    sql: `
SELECT b.top, CAST(count(*) AS INTEGER) AS customers,
  median(b.purchase_days * 365.25 / greatest(b.tenure_days, 1)) AS purchases_per_year,
  median(CASE WHEN b.purchase_days > 1 THEN
    date_diff('day', b.first_purchase, b.last_purchase) / (b.purchase_days - 1) END) AS median_gap_days,
  median(f.first_amount) AS first_order_value,
  avg(CASE WHEN f.days_to_second <= ${d} THEN 1 ELSE 0 END) AS back_within,
  avg(CASE WHEN f.first_discount > 0 THEN 1 ELSE 0 END) AS discount_first
FROM ${INSIGHTS_BASE} b JOIN ${INSIGHTS_FIRST} f ON f.cidx = b.cidx
WHERE b.eligible GROUP BY b.top ORDER BY b.top DESC
`,
  }
}
