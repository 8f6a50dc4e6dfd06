// Each customer's first order and first days: what they bought first (categories, products, size,
// discount, channel, campaign) and how soon they came back. The days come from insights_days
// (integer keys); orders are read once, joined on (customer, day) to the first and second purchase
// days, so the search for the earliest runs on about two orders per customer instead of ten
// million (a composite arg_min over every order cost more than all the rest).
import type { Dialect, Query } from '../engine.ts'
import { exactSum, sqlDate } from './customer-summary.ts'
import { INSIGHTS_BASE } from './insights-base.ts'
import { INSIGHTS_DAYS } from './insights-purchase-days.ts'
import { refundedInFull } from './value-facts.ts'

export const INSIGHTS_FIRST = 'insights_first'

/**
 * CREATE OR REPLACE TEMP TABLE insights_first, one row per customer of insights_base:
 * first_day (the first purchase day), first_amount, first_quantity (the order's quantity, else
 * its lines' quantities summed, a line without one counting 1; else 1), first_discount (money
 * off, 0 when unknown), first_channel, first_campaign, first_categories / first_products (distinct,
 * sorted lists from order_lines), main_category (largest line amount; ties: first by name),
 * days_to_second (first to second purchase day, NULL when none by asOf), early_days (purchase days within earlyDays of the
 * first, first included) and early_revenue (net spend of those days), second_categories (of the
 * first order of the second purchase day). A purchase day is a day of insights_days with net spend
 * > 0 (build it first); the first order of a day is its earliest order with amount >= 0 that
 * refunds dated by asOf do not take back in full (a cancelled order is no order), and
 * orders at that same instant are taken as one (amounts, quantities and discounts summed, their
 * lines together, the channel and campaign of the first by order_key).
 */
export function insightsFirstOrders(
  _dialect: Dialect,
  args: { asOf: string; earlyDays: number },
): Query {
  const early = Math.trunc(args.earlyDays)
  const asOf = `DATE '${sqlDate(args.asOf)}'`
  return {
    sql: `
CREATE OR REPLACE TEMP TABLE ${INSIGHTS_FIRST} AS
WITH s AS (
  SELECT d.cidx,
    min(d.day) FILTER (WHERE d.day > b.first_purchase) AS second_day,
    count(*) FILTER (WHERE d.day < b.first_purchase + ${early}) AS early_days,
    ${exactSum('d.spend', { filter: `d.day < b.first_purchase + ${early}` })} AS early_revenue
  FROM ${INSIGHTS_DAYS} d JOIN ${INSIGHTS_BASE} b ON b.cidx = d.cidx
  WHERE d.purchase AND d.day >= b.first_purchase
  GROUP BY d.cidx
),
pairs AS (
  SELECT b.cidx, b.customer_id, b.first_purchase AS day, 1 AS which FROM ${INSIGHTS_BASE} b
  UNION ALL
  SELECT b.cidx, b.customer_id, s.second_day, 2
  FROM s JOIN ${INSIGHTS_BASE} b ON b.cidx = s.cidx WHERE s.second_day IS NOT NULL
),
-- the day's earliest orders: several at one instant (a file of dates without order ids, whose
-- keys are hashes) are one first order, not the one whose hash sorts first
firsts AS (
  SELECT x.cidx, x.which,
    -- exact sums: a double sum's last bits follow the order the threads add in, and moved the
    -- rising stars' coefficients from run to run (three orders of one CDNOW day)
    {'ids': list(x.order_id), 'a': ${exactSum('x.amount')},
      'q': CASE WHEN count(x.quantity) = count(*) THEN sum(x.quantity) END,
      'disc': ${exactSum('x.discount')},
      -- both of the first order by key, empty ones too (arg_min of a column skips its NULLs:
      -- an order without a channel took the next one's, beside its own campaign)
      'via': arg_min({'ch': x.channel, 'camp': x.campaign}, x.order_key)} AS f
  FROM (
    SELECT p.cidx, p.which, o.order_id, o.order_key, o.amount, o.quantity, o.discount,
      o.channel, o.campaign, o.ordered_at,
      min(o.ordered_at) OVER (PARTITION BY p.cidx, p.which) AS first_at
    FROM orders o JOIN pairs p ON p.customer_id = o.customer_id AND p.day = o.order_date
    -- an order refunded in full by the as-of date was cancelled: no order (as in the summary),
    -- even when it came first on a day whose other orders were kept
    LEFT JOIN (${refundedInFull(asOf)}) c ON c.customer_id = o.customer_id AND c.order_id = o.order_id
    WHERE o.amount >= 0 AND c.order_id IS NULL
  ) x
  WHERE x.ordered_at = x.first_at
  GROUP BY x.cidx, x.which
),
lines AS (
  -- one join of the lines against both the first and the second orders
  SELECT x.cidx,
    list_sort(list(DISTINCT l.category) FILTER (WHERE x.which = 1 AND l.category IS NOT NULL))
      AS categories,
    list_sort(list(DISTINCT coalesce(l.product_name, l.product_id))
      FILTER (WHERE x.which = 1 AND coalesce(l.product_name, l.product_id) IS NOT NULL))
      AS products,
    -- the largest line's; of lines equally large, the category first in alphabetical order
    -- (by the line order it would change with the order the lines were imported in)
    arg_min(l.category, (-l.amount, l.category))
      FILTER (WHERE x.which = 1 AND l.category IS NOT NULL AND l.amount IS NOT NULL)
      AS main_category,
    list_sort(list(DISTINCT l.category) FILTER (WHERE x.which = 2 AND l.category IS NOT NULL))
      AS second_categories,
    bool_or(x.which = 2) AS has_second,
    sum(coalesce(l.quantity, 1)) FILTER (WHERE x.which = 1) AS items
  FROM (SELECT cidx, which, unnest(f.ids) AS id FROM firsts) x JOIN order_lines l ON l.order_id = x.id
  GROUP BY x.cidx
)
SELECT b.cidx, b.customer_id, b.first_purchase AS first_day,
  f.f.a AS first_amount, coalesce(f.f.q, l.items, 1) AS first_quantity,
  coalesce(f.f.disc, 0) AS first_discount, f.f.via.ch AS first_channel, f.f.via.camp AS first_campaign,
  coalesce(l.categories, []) AS first_categories, coalesce(l.products, []) AS first_products,
  l.main_category,
  CAST(date_diff('day', b.first_purchase, s.second_day) AS INTEGER) AS days_to_second,
  CAST(coalesce(s.early_days, 0) AS INTEGER) AS early_days,
  coalesce(s.early_revenue, 0) AS early_revenue,
  CASE WHEN l.has_second THEN l.second_categories END AS second_categories
FROM ${INSIGHTS_BASE} b
JOIN firsts f ON f.cidx = b.cidx AND f.which = 1
LEFT JOIN s ON s.cidx = b.cidx
LEFT JOIN lines l ON l.cidx = b.cidx
`,
  }
}
