// How many orders (refunds not counted) a customer placed on or before a day: a customer with
// orders but no row in the analysis had them all refunded in full.
import type { Dialect, Query } from '../engine.ts'

export function customerOrdersBy(_d: Dialect, args: { customerId: string; asOf: string }): Query {
  return {
    sql: `SELECT count(*) AS n FROM orders
WHERE customer_id = $1 AND amount >= 0 AND order_date <= CAST($2 AS DATE)`,
    params: [args.customerId, args.asOf],
  }
}
