// Purchase days once: (customer, day, net spend) up to asOf, shared by first orders, lapsed best,
// the retention matrix and the retention rate, so the orders table is aggregated once instead of
// four times. Keyed by the integer cidx of insights_base: every later window, group and join on
// these ten million rows compares integers, not customer id strings.
import type { Dialect, Query } from '../engine.ts'
import { sqlDate } from './customer-summary.ts'
import { INSIGHTS_BASE } from './insights-base.ts'

export const INSIGHTS_DAYS = 'insights_days'

/**
 * CREATE OR REPLACE TEMP TABLE insights_days (cidx, day, spend, purchase): one row per customer
 * of insights_base (build it first) and order day on or before asOf, spend = net amount of the
 * day (refund rows included). purchase: the day is a purchase day as the customer summary counts
 * it (docs/summary.md): an order row (amount >= 0), and a net spend above 0 unless the day has no
 * refund row, so a $0 order (a free sample, a log without amounts) is a purchase, a day whose
 * orders were all refunded is not.
 */
export function insightsPurchaseDays(_dialect: Dialect, args: { asOf: string }): Query {
  const asOf = `DATE '${sqlDate(args.asOf)}'`
  return {
    sql: `
CREATE OR REPLACE TEMP TABLE ${INSIGHTS_DAYS} AS
SELECT b.cidx, o.order_date AS day, sum(o.amount) AS spend,
  bool_or(o.amount >= 0) AND (sum(o.amount) > 0 OR bool_and(o.amount >= 0)) AS purchase
FROM orders o JOIN ${INSIGHTS_BASE} b ON b.customer_id = o.customer_id
WHERE o.order_date <= ${asOf} GROUP BY 1, 2
`,
  }
}
