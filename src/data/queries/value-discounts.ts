// Does any order carry a discount, is any order free (amount 0), is any row a refund? When none
// does, the value step leaves out the per-customer aggregate of the orders (a GROUP BY of every
// order row: seconds on 10M orders) whose only purpose is the discount sum, the discounted share
// and the orders that paid a fixed payment fee; without refunds, the search for customers no
// purchase day is left to (value-unvalued.ts).
import type { Dialect, Query } from '../engine.ts'

/**
 * One row: n = 1 when some order has a non-zero discount, else 0; free = 1 when some order is 0;
 * refunds = 1 when some row is a refund (amount < 0, a mark of a cancelled order of 0 included).
 */
export function valueDiscounts(_d: Dialect): Query {
  return {
    sql: `SELECT (SELECT count(*) FROM (SELECT 1 FROM orders WHERE discount <> 0 LIMIT 1) d) AS n,
  (SELECT count(*) FROM (SELECT 1 FROM orders WHERE amount = 0 LIMIT 1) z) AS free,
  (SELECT count(*) FROM (SELECT 1 FROM orders WHERE amount < 0 LIMIT 1) r) AS refunds`,
  }
}
