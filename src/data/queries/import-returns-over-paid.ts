// Returns worth more than their order was paid: a return's amount is the value of the goods sent
// back, so more than the order cost (all of its returns together, stored ones included) is likely
// a wrong column or a return filed under the wrong order. Stored as given; the importer says so.
import type { Dialect, Query } from '../engine.ts'

/**
 * Orders returned by the staged `rows` (the returns import's rows, with source_line) whose returns
 * in the `returns` table (after the write: this file's and earlier ones) add up to more than the
 * order's paid rows in `orders`: the first 3 in file order (order_id; line, the row whose return
 * took the order past what was paid; returned, all of it; paid), each with n, how many orders
 * there are in all.
 */
export function importReturnsOverPaid(_d: Dialect, args: { rows: string }): Query {
  return {
    sql: `WITH touched AS (
  SELECT DISTINCT order_id FROM ${args.rows} WHERE order_id IS NOT NULL
), paid AS (
  SELECT order_id, sum(amount) AS paid FROM orders
  WHERE amount > 0 AND order_id IN (SELECT order_id FROM touched) GROUP BY 1
), earlier AS (
  -- the order's returns stored before this file (not rows of it imported again)
  SELECT order_id, sum(amount) AS returned FROM returns
  WHERE order_id IN (SELECT order_id FROM touched)
    AND return_key NOT IN (SELECT return_key FROM ${args.rows}) GROUP BY 1
), running AS (
  -- this file's returns of the order in file order, on top of the stored ones: the line that
  -- crossed what was paid is the one to check
  SELECT f.order_id, f.source_line, coalesce(e.returned, 0) + sum(f.amount) OVER (
    PARTITION BY f.order_id ORDER BY f.source_line ROWS UNBOUNDED PRECEDING) AS returned
  FROM ${args.rows} f LEFT JOIN earlier e ON e.order_id = f.order_id
  WHERE f.order_id IS NOT NULL
), over AS (
  SELECT r.order_id, min(r.source_line) AS line, max(r.returned) AS returned, p.paid
  FROM running r JOIN paid p ON p.order_id = r.order_id
  -- half a cent of rounding is no excess
  WHERE r.returned > p.paid + 0.005
  GROUP BY r.order_id, p.paid
)
SELECT order_id, line, returned, paid, count(*) OVER () AS n FROM over ORDER BY line LIMIT 3`,
  }
}
