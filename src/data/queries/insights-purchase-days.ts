// Purchase days once: (customer, day, net spend) up to asOf, shared by lapsed best, the retention
// matrix and the retention rate, so the orders table is aggregated once instead of three times.
import type { Dialect, Query } from '../engine.ts'
import { sqlDate } from './customer-summary.ts'

export const INSIGHTS_DAYS = 'insights_days'

/**
 * CREATE OR REPLACE TEMP TABLE insights_days (customer_id, day, spend): one row per customer and
 * order day on or before asOf, spend = net amount of the day (refund rows included); a purchase
 * day is a row with spend > 0.
 */
export function insightsPurchaseDays(_dialect: Dialect, args: { asOf: string }): Query {
  const asOf = `DATE '${sqlDate(args.asOf)}'`
  return {
    sql: `
CREATE OR REPLACE TEMP TABLE ${INSIGHTS_DAYS} AS
SELECT customer_id, order_date AS day, sum(amount) AS spend
FROM orders WHERE order_date <= ${asOf} GROUP BY 1, 2
`,
  }
}
