// Returns dated before the order they return: a wrong date or a return filed under the wrong
// order id, as a refund dated before its order is (import-refunds-suspect.ts). Stored as given;
// the importer names them.
import type { Dialect, Query } from '../engine.ts'

/**
 * Returns of the staged `rows` (the returns import's rows, with source_line) whose day is before
 * the day of the order they return, by the orders in `orders`: the first 3 in file order
 * (order_id, line, days_before), each with n, how many such returns there are in all.
 */
export function importReturnsBeforeOrder(_d: Dialect, args: { rows: string }): Query {
  return {
    sql: `WITH placed AS (
  SELECT order_id, min(order_date) AS ordered FROM orders
  WHERE amount >= 0 AND order_id IN (SELECT order_id FROM ${args.rows}) GROUP BY 1
), early AS (
  SELECT r.order_id, r.source_line AS line,
    CAST(p.ordered - r.returned_date AS INTEGER) AS days_before
  FROM ${args.rows} r JOIN placed p ON p.order_id = r.order_id
  WHERE r.returned_date < p.ordered
)
SELECT order_id, line, days_before, count(*) OVER () AS n FROM early ORDER BY line LIMIT 3`,
  }
}
