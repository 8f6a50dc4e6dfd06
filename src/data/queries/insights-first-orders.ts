// Each customer's first order and first days, per customer in one pass over orders and lines:
// what they bought first (categories, products, size, discount, channel, campaign) and how soon
// they came back. Everything the path-to-best baskets and the rising-stars features read.
import type { Dialect, Query } from '../engine.ts'
import { sqlDate } from './customer-summary.ts'
import { INSIGHTS_BASE } from './insights-base.ts'
import { INSIGHTS_DAYS } from './insights-purchase-days.ts'

export const INSIGHTS_FIRST = 'insights_first'

/**
 * CREATE OR REPLACE TEMP TABLE insights_first, one row per customer of insights_base:
 * first_day, first_amount, first_quantity, first_discount (money off, 0 when unknown),
 * first_channel, first_campaign, first_categories / first_products (distinct, sorted lists from
 * order_lines), main_category (largest line amount), days_to_second (first to second purchase
 * day, NULL when none by asOf), early_days (purchase days, net spend > 0, within earlyDays of the
 * first, first included) and early_revenue (net), both from insights_days (build it first),
 * second_categories (of the first order on the second purchase day).
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
k AS (
  -- hash aggregates with fixed-size state, no windows and no per-customer lists: they spill to
  -- disk under the memory cap (lists of 10M orders did not)
  SELECT customer_id, min(order_date) AS first_day,
    arg_min({'id': order_id, 'a': amount, 'q': quantity, 'disc': discount, 'ch': channel,
      'camp': campaign}, (ordered_at, order_key)) AS f
  FROM o GROUP BY customer_id
),
s AS (
  SELECT o.customer_id, min(o.order_date) AS second_day,
    arg_min(o.order_id, (o.ordered_at, o.order_key)) AS second_id
  FROM o JOIN k ON k.customer_id = o.customer_id AND o.order_date > k.first_day
  GROUP BY o.customer_id
),
e AS (
  SELECT d.customer_id, count(*) FILTER (WHERE d.spend > 0) AS early_days,
    sum(d.spend) AS early_revenue
  FROM ${INSIGHTS_DAYS} d JOIN k ON k.customer_id = d.customer_id
    AND d.day < k.first_day + ${early}
  GROUP BY d.customer_id
),
p AS (
  SELECT k.customer_id, k.first_day, k.f, s.second_day, s.second_id,
    coalesce(e.early_days, 0) AS early_days, e.early_revenue
  FROM k LEFT JOIN s ON s.customer_id = k.customer_id LEFT JOIN e ON e.customer_id = k.customer_id
),
ids AS (
  SELECT customer_id, f.id AS order_id, 1 AS which FROM p WHERE f.id IS NOT NULL
  UNION ALL
  SELECT customer_id, second_id, 2 FROM p WHERE second_id IS NOT NULL
),
lines AS (
  -- one join of the lines against both the first and the second orders
  SELECT i.customer_id,
    list_sort(list(DISTINCT l.category) FILTER (WHERE i.which = 1 AND l.category IS NOT NULL))
      AS categories,
    list_sort(list(DISTINCT coalesce(l.product_name, l.product_id))
      FILTER (WHERE i.which = 1 AND coalesce(l.product_name, l.product_id) IS NOT NULL))
      AS products,
    arg_max(l.category, l.amount) FILTER (WHERE i.which = 1 AND l.category IS NOT NULL)
      AS main_category,
    list_sort(list(DISTINCT l.category) FILTER (WHERE i.which = 2 AND l.category IS NOT NULL))
      AS second_categories,
    bool_or(i.which = 2) AS has_second
  FROM ids i JOIN order_lines l ON l.order_id = i.order_id
  GROUP BY i.customer_id
)
SELECT b.cidx, b.customer_id, p.first_day,
  p.f.a AS first_amount, coalesce(p.f.q, 1) AS first_quantity,
  coalesce(p.f.disc, 0) AS first_discount, p.f.ch AS first_channel, p.f.camp AS first_campaign,
  coalesce(l.categories, []) AS first_categories, coalesce(l.products, []) AS first_products,
  l.main_category,
  CAST(date_diff('day', p.first_day, p.second_day) AS INTEGER) AS days_to_second,
  CAST(p.early_days AS INTEGER) AS early_days, coalesce(p.early_revenue, 0) AS early_revenue,
  CASE WHEN l.has_second THEN l.second_categories END AS second_categories
FROM ${INSIGHTS_BASE} b
JOIN p ON p.customer_id = b.customer_id
LEFT JOIN lines l ON l.customer_id = b.customer_id
`,
  }
}
