// Does any order carry a discount? When none does, the value step leaves out the per-customer
// aggregate of the orders (a GROUP BY of every order row: seconds on 10M orders) whose only
// purpose is the discount sum and the discounted share.
import type { Dialect, Query } from '../engine.ts'

/** One row: n = 1 when some order has a non-zero discount, else 0. */
export function valueDiscounts(_d: Dialect): Query {
  return {
    sql: 'SELECT count(*) AS n FROM (SELECT 1 FROM orders WHERE discount <> 0 LIMIT 1) d',
  }
}
