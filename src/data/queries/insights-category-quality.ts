// "Toxic" categories: per category, the share of its order lines returned (when a returns table
// exists) and the repeat rate of customers whose first order held it. One grouped query.
import type { Dialect, Query } from '../engine.ts'
import { sqlDate } from './customer-summary.ts'
import { INSIGHTS_BASE } from './insights-base.ts'
import { INSIGHTS_FIRST } from './insights-first-orders.ts'
import { cancelledOrders } from './insights-segment-kpis.ts'

/**
 * Rows (category, orders, returned_orders, first_customers, first_repeaters): orders holding the
 * category up to asOf, the cancelled ones left out (insights-segment-kpis.ts, cancelledOrders;
 * without a returns table: first orders holding it), those with a return row
 * (NULL without returns), customers whose first order held it, and of those the ones with a second
 * purchase day. One more row with category NULL holds the same counts over all categories, each
 * order and customer once: the overall rates (an order of two categories is one order there, so a
 * sum of the category rows would count it twice).
 */
export function insightsCategoryQuality(
  _dialect: Dialect,
  args: { asOf: string; returns: boolean },
): Query {
  const asOf = `DATE '${sqlDate(args.asOf)}'`
  const returned = args.returns
    ? `CAST(count(DISTINCT l.order_id) FILTER (WHERE l.order_id IN (SELECT order_id FROM returns
      WHERE returned_date <= ${asOf}))
        AS INTEGER)`
    : 'NULL::INTEGER'
  const perOrder = `lo AS (
  SELECT DISTINCT l.category, l.order_id FROM order_lines l
  SEMI JOIN orders o ON o.order_id = l.order_id AND o.amount >= 0 AND o.order_date <= ${asOf}
  ANTI JOIN (${cancelledOrders(asOf)}) c ON c.order_id = l.order_id
  WHERE l.category IS NOT NULL
),
per_cat AS (
  SELECT l.category, CAST(count(DISTINCT l.order_id) AS INTEGER) AS orders, ${returned} AS returned_orders
  FROM lo l GROUP BY GROUPING SETS ((l.category), ())
),`
  // without returns the scan of every order line (15M at 10M orders) buys nothing: count first orders
  const perFirstOrder = `per_cat AS (
  SELECT category, CAST(count(DISTINCT cidx) AS INTEGER) AS orders, NULL::INTEGER AS returned_orders
  FROM (SELECT cidx, unnest(first_categories) AS category FROM ${INSIGHTS_FIRST})
  GROUP BY GROUPING SETS ((category), ())
),`
  return {
    sql: `
WITH ${args.returns ? perOrder : perFirstOrder}
firsts AS (
  SELECT f.cidx, unnest(f.first_categories) AS category, b.purchase_days >= 2 AS repeat
  FROM ${INSIGHTS_FIRST} f JOIN ${INSIGHTS_BASE} b ON b.cidx = f.cidx
),
per_first AS (
  SELECT category, CAST(count(DISTINCT cidx) AS INTEGER) AS first_customers,
    CAST(count(DISTINCT cidx) FILTER (WHERE repeat) AS INTEGER) AS first_repeaters
  FROM firsts GROUP BY GROUPING SETS ((category), ())
)
SELECT c.category, c.orders, c.returned_orders,
  coalesce(p.first_customers, 0) AS first_customers, coalesce(p.first_repeaters, 0) AS first_repeaters
FROM per_cat c LEFT JOIN per_first p ON p.category IS NOT DISTINCT FROM c.category
ORDER BY c.category IS NULL, c.orders DESC, c.category
`,
  }
}
