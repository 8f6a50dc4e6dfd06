// Customers whose id is the one asked for in another case: `loyals customer c000134` on a
// workspace that stores C000134 (ids match exactly; this is only read when nothing matched).
import type { Dialect, Query } from '../engine.ts'

export function customerOtherCase(_d: Dialect, args: { customerId: string; limit: number }): Query {
  return {
    sql: `SELECT customer_id FROM (
  SELECT customer_id FROM orders WHERE lower(customer_id) = lower($1)
  UNION
  SELECT customer_id FROM customers WHERE lower(customer_id) = lower($1)
) c ORDER BY customer_id LIMIT ${Math.max(1, Math.floor(args.limit))}`,
    params: [args.customerId],
  }
}
