import type { Dialect, Query } from '../engine.ts'

/**
 * One row (n: 0 or 1): whether some customer with orders has no profile yet (a workspace filled
 * by `loyals import`, which writes orders but scores nobody). Stops at the first one.
 */
export function unscoredCustomers(_d: Dialect): Query {
  return {
    sql: `SELECT count(*) AS n FROM (
  SELECT 1 FROM orders o
  WHERE NOT EXISTS (SELECT 1 FROM customer_profile p WHERE p.customer_id = o.customer_id)
  LIMIT 1) x`,
  }
}
