// Orders without an order id are known by their content (customer, instant, amount): a later
// export in which such an order's amount changed cannot say it is the same order, and the import
// stores it beside the first. Those new rows are named, so that a correction stored as a second
// order does not pass unnoticed.
import type { Dialect, Query } from '../engine.ts'

/** How many such orders an import names (the count says the rest). */
export const SAME_TIME_SHOWN = 3

/**
 * The new order rows of the write set `import_write` without an order id that have the customer
 * and instant of a stored order without one but another amount, that stored order not among this
 * file's rows: n (all of them), then the first `SAME_TIME_SHOWN` in file order with the line, the
 * customer, the instant, the amount (`value`) and the stored amount. Refund rows are left out (a refund is
 * known by its order, day and amount). Run before the write, while `orders` holds the old rows.
 */
export function importSameTimeOrders(_d: Dialect): Query {
  return {
    sql: `WITH hit AS (
  SELECT r.source_line, r.customer_id, r.ordered_at, r.amount, min(o.amount) AS stored
  FROM import_write r
  JOIN orders o ON o.customer_id = r.customer_id AND o.ordered_at = r.ordered_at
  WHERE r.__new AND r.order_id IS NULL AND r.amount >= 0
    AND o.order_id IS NULL AND o.amount >= 0 AND o.amount <> r.amount
    AND o.order_key NOT IN (SELECT order_key FROM import_rows)
  GROUP BY ALL
)
SELECT count(*) OVER () AS n, source_line AS line, customer_id, CAST(ordered_at AS VARCHAR) AS at,
  amount AS value, stored
FROM hit ORDER BY source_line LIMIT ${SAME_TIME_SHOWN}`,
  }
}
