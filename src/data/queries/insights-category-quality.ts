// "Toxic" categories: per category, the share of its order lines returned (when a returns table
// exists) and the repeat rate of customers whose first order held it. One grouped query.
import type { Dialect, Query } from '../engine.ts'
import { sqlDate } from './customer-summary.ts'
import { INSIGHTS_BASE } from './insights-base.ts'
import { INSIGHTS_FIRST } from './insights-first-orders.ts'

/**
 * Rows (category, orders, returned_orders, first_customers, first_repeaters): orders holding the
 * category up to asOf (without a returns table: first orders holding it), those with a return row (NULL without returns), customers whose first order
 * held it, and of those the ones with a second purchase day.
 */
export function insightsCategoryQuality(
  _dialect: Dialect,
  args: { asOf: string; returns: boolean },
): Query {
  const asOf = `DATE '${sqlDate(args.asOf)}'`
  const returned = args.returns
    ? `CAST(count(DISTINCT l.order_id) FILTER (WHERE l.order_id IN (SELECT order_id FROM returns
      WHERE CAST(returned_at AS DATE) <= ${asOf}))
        AS INTEGER)`
    : 'NULL::INTEGER'
  const perOrder = `lo AS (
  SELECT DISTINCT l.category, l.order_id FROM order_lines l
  SEMI JOIN orders o ON o.order_id = l.order_id AND o.amount >= 0 AND o.order_date <= ${asOf}
  WHERE l.category IS NOT NULL
),
per_cat AS (
  SELECT l.category, CAST(count(*) AS INTEGER) AS orders, ${returned} AS returned_orders
  FROM lo l GROUP BY l.category
),`
  // without returns the scan of every order line (15M at 10M orders) buys nothing: count first orders
  const perFirstOrder = `per_cat AS (
  SELECT category, CAST(count(*) AS INTEGER) AS orders, NULL::INTEGER AS returned_orders
  FROM (SELECT unnest(first_categories) AS category FROM ${INSIGHTS_FIRST}) GROUP BY 1
),`
  return {
    sql: `
WITH ${args.returns ? perOrder : perFirstOrder}
firsts AS (
  SELECT unnest(f.first_categories) AS category, b.purchase_days >= 2 AS repeat
  FROM ${INSIGHTS_FIRST} f JOIN ${INSIGHTS_BASE} b ON b.cidx = f.cidx
),
per_first AS (
  SELECT category, CAST(count(*) AS INTEGER) AS first_customers,
    CAST(count(*) FILTER (WHERE repeat) AS INTEGER) AS first_repeaters
  FROM firsts GROUP BY category
)
SELECT c.category, c.orders, c.returned_orders,
  coalesce(p.first_customers, 0) AS first_customers, coalesce(p.first_repeaters, 0) AS first_repeaters
FROM per_cat c LEFT JOIN per_first p ON p.category = c.category
ORDER BY c.orders DESC, c.category
`,
  }
}
