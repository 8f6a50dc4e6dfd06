// Each customer's first order and first days, per customer in one pass over orders and lines:
// what they bought first (categories, products, size, discount, channel, campaign) and how soon
// they came back. Everything the path-to-best baskets and the rising-stars features read.
import type { Dialect, Query } from '../engine.ts'
import { sqlDate } from './customer-summary.ts'
import { INSIGHTS_BASE } from './insights-base.ts'

export const INSIGHTS_FIRST = 'insights_first'

/**
 * CREATE OR REPLACE TEMP TABLE insights_first, one row per customer of insights_base:
 * first_day, first_amount, first_quantity, first_discount (money off, 0 when unknown),
 * first_channel, first_campaign, first_categories / first_products (distinct, sorted lists from
 * order_lines), main_category (largest line amount), days_to_second (first to second purchase
 * day, NULL when none by asOf), early_days (purchase days within earlyDays of the first, first
 * included), early_revenue, second_categories (of the first order on the second purchase day).
 * The first order is the earliest (ordered_at, order_key) with amount >= 0 on or before asOf.
 */
export function insightsFirstOrders(
  _dialect: Dialect,
  args: { asOf: string; earlyDays: number },
): Query {
  const asOf = `DATE '${sqlDate(args.asOf)}'`
  const early = Math.trunc(args.earlyDays)
  return {
    sql: `
CREATE OR REPLACE TEMP TABLE ${INSIGHTS_FIRST} AS
WITH o AS (
  SELECT customer_id, order_key, order_id, ordered_at, order_date, amount, quantity, discount,
    channel, campaign
  FROM orders WHERE amount >= 0 AND order_date <= ${asOf}
),
ranked AS (
  SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY ordered_at, order_key) AS k,
    min(order_date) OVER (PARTITION BY customer_id) AS first_day
  FROM o
),
per_customer AS (
  SELECT customer_id, min(first_day) AS first_day,
    min(order_date) FILTER (WHERE order_date > first_day) AS second_day,
    count(DISTINCT order_date) FILTER (WHERE order_date < first_day + ${early}) AS early_days,
    sum(amount) FILTER (WHERE order_date < first_day + ${early}) AS early_revenue
  FROM ranked GROUP BY customer_id
),
firsts AS (
  SELECT customer_id, order_id, amount, quantity, discount, channel, campaign
  FROM ranked WHERE k = 1
),
seconds AS (
  SELECT r.customer_id, arg_min(r.order_id, (r.ordered_at, r.order_key)) AS order_id
  FROM ranked r JOIN per_customer p ON p.customer_id = r.customer_id
  WHERE r.order_date = p.second_day GROUP BY r.customer_id
),
first_lines AS (
  SELECT f.customer_id,
    list_sort(list(DISTINCT l.category) FILTER (WHERE l.category IS NOT NULL)) AS categories,
    list_sort(list(DISTINCT coalesce(l.product_name, l.product_id))
      FILTER (WHERE coalesce(l.product_name, l.product_id) IS NOT NULL)) AS products,
    arg_max(l.category, l.amount) FILTER (WHERE l.category IS NOT NULL) AS main_category
  FROM firsts f JOIN order_lines l ON l.order_id = f.order_id
  GROUP BY f.customer_id
),
second_lines AS (
  SELECT s.customer_id,
    list_sort(list(DISTINCT l.category) FILTER (WHERE l.category IS NOT NULL)) AS categories
  FROM seconds s JOIN order_lines l ON l.order_id = s.order_id
  GROUP BY s.customer_id
)
SELECT b.cidx, b.customer_id, p.first_day,
  f.amount AS first_amount, coalesce(f.quantity, 1) AS first_quantity,
  coalesce(f.discount, 0) AS first_discount, f.channel AS first_channel,
  f.campaign AS first_campaign,
  coalesce(fl.categories, []) AS first_categories, coalesce(fl.products, []) AS first_products,
  fl.main_category,
  CASE WHEN p.second_day IS NULL THEN NULL
    ELSE CAST(date_diff('day', p.first_day, p.second_day) AS INTEGER) END AS days_to_second,
  CAST(p.early_days AS INTEGER) AS early_days, coalesce(p.early_revenue, 0) AS early_revenue,
  sl.categories AS second_categories
FROM ${INSIGHTS_BASE} b
JOIN per_customer p ON p.customer_id = b.customer_id
JOIN firsts f ON f.customer_id = b.customer_id
LEFT JOIN first_lines fl ON fl.customer_id = b.customer_id
LEFT JOIN second_lines sl ON sl.customer_id = b.customer_id
`,
  }
}
