// Returns worth more than their order was paid: a return's amount is the value of the goods sent
// back, so more than the order cost (all of its returns together, stored ones included) is likely
// a wrong column or a return filed under the wrong order. Stored as given; the importer says so.
import type { Dialect, Query } from '../engine.ts'

/**
 * Orders returned by the staged `rows` (the returns import's rows, with source_line) whose returns
 * in the `returns` table (after the write: this file's and earlier ones) add up to more than the
 * order's paid rows in `orders`: the first 3 in file order (order_id, line, returned, paid), each
 * with n, how many orders there are in all.
 */
export function importReturnsOverPaid(_d: Dialect, args: { rows: string }): Query {
  return {
    sql: `WITH touched AS (
  SELECT order_id, min(source_line) AS line FROM ${args.rows} WHERE order_id IS NOT NULL GROUP BY 1
), paid AS (
  SELECT order_id, sum(amount) AS paid FROM orders
  WHERE amount > 0 AND order_id IN (SELECT order_id FROM touched) GROUP BY 1
), returned AS (
  SELECT order_id, sum(amount) AS returned FROM returns
  WHERE order_id IN (SELECT order_id FROM touched) GROUP BY 1
), over AS (
  SELECT t.order_id, t.line, r.returned, p.paid
  FROM touched t JOIN returned r ON r.order_id = t.order_id JOIN paid p ON p.order_id = t.order_id
  -- half a cent of rounding is no excess
  WHERE r.returned > p.paid + 0.005
)
SELECT order_id, line, returned, paid, count(*) OVER () AS n FROM over ORDER BY line LIMIT 3`,
  }
}
