// Headline totals of an analysis: one pass over the analysis table, one over the orders.
import type { Dialect, Query } from '../engine.ts'
import { sqlDate, sqlIdent } from './customer-summary.ts'

/**
 * One row: customers, orders, repeat_customers, revenue, margin (NULL when unknown for all),
 * margin_customers, holdout_revenue, first_purchase, last_purchase (YYYY-MM-DD),
 * nonpositive_customers (net revenue <= 0).
 */
export function analysisTotals(_dialect: Dialect, args: { table: string }): Query {
  return {
    sql: `
SELECT count(*) AS customers,
  coalesce(sum(orders), 0) AS orders,
  count(*) FILTER (WHERE x > 0) AS repeat_customers,
  coalesce(sum(revenue), 0) AS revenue,
  sum(margin) AS margin,
  count(margin) AS margin_customers,
  coalesce(sum(holdout_revenue), 0) AS holdout_revenue,
  strftime(min(first_purchase), '%Y-%m-%d') AS first_purchase,
  strftime(max(last_purchase), '%Y-%m-%d') AS last_purchase,
  count(*) FILTER (WHERE revenue <= 0) AS nonpositive_customers
FROM ${sqlIdent(args.table)}
`,
  }
}

/**
 * One row over the orders: orders_after (order rows dated after asOf), refunds (rows with a
 * negative amount), currencies (distinct non-null), currency (the one currency, if only one).
 */
export function orderFacts(_dialect: Dialect, args: { asOf: string; source?: string }): Query {
  const asOf = `DATE '${sqlDate(args.asOf)}'`
  return {
    sql: `
SELECT count(*) FILTER (WHERE order_date > ${asOf} AND amount >= 0) AS orders_after,
  count(*) FILTER (WHERE amount < 0) AS refunds,
  count(DISTINCT currency) AS currencies,
  min(currency) AS currency
FROM ${sqlIdent(args.source ?? 'orders')}
`,
  }
}
