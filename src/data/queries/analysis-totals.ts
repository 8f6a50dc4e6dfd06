// Headline totals of an analysis: one pass over the analysis table (the order facts come from the
// summary's facts scan, summary-facts.ts).
import type { Dialect, Query } from '../engine.ts'
import { exactSum, sqlIdent } from './customer-summary.ts'

/**
 * One row: customers, orders, repeat_customers, revenue, margin (NULL when unknown for all),
 * margin_revenue (the net revenue those margins were earned on),
 * margin_customers, partial_margin_customers (a margin known for part of the net revenue only),
 * holdout_revenue, first_purchase, last_purchase (YYYY-MM-DD),
 * nonpositive_customers (net revenue <= 0), fewest_days / most_days (purchase days) and
 * least_revenue / most_revenue (equal: every customer tied on that RFM measure).
 */
export function analysisTotals(_dialect: Dialect, args: { table: string }): Query {
  return {
    sql: `
SELECT count(*) AS customers,
  coalesce(sum(orders), 0) AS orders,
  count(*) FILTER (WHERE x > 0) AS repeat_customers,
  coalesce(${exactSum('revenue')}, 0) AS revenue,
  ${exactSum('margin')} AS margin,
  ${exactSum('margin_revenue', { filter: 'margin IS NOT NULL' })} AS margin_revenue,
  count(margin) AS margin_customers,
  count(*) FILTER (WHERE margin IS NOT NULL AND revenue - margin_revenue <> 0) AS partial_margin_customers,
  coalesce(${exactSum('holdout_revenue')}, 0) AS holdout_revenue,
  strftime(min(first_purchase), '%Y-%m-%d') AS first_purchase,
  strftime(max(last_purchase), '%Y-%m-%d') AS last_purchase,
  count(*) FILTER (WHERE revenue <= 0) AS nonpositive_customers,
  min(purchase_days) AS fewest_days, max(purchase_days) AS most_days,
  min(revenue) AS least_revenue, max(revenue) AS most_revenue
FROM ${sqlIdent(args.table)}
`,
  }
}
