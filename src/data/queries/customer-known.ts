// Does the workspace know this customer at all (an order or a customer record)?
import type { Dialect, Query } from '../engine.ts'

export function customerKnown(_d: Dialect, args: { customerId: string }): Query {
  return {
    sql: `SELECT (SELECT count(*) FROM (SELECT 1 FROM orders WHERE customer_id = $1 LIMIT 1) o) AS orders,
  (SELECT count(*) FROM (SELECT 1 FROM customers WHERE customer_id = $1 LIMIT 1) c) AS records`,
    params: [args.customerId],
  }
}
