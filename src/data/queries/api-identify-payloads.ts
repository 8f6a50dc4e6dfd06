// The identify calls a customer's own events hold (POST /v1/customers and identify messages):
// every email they were ever known by is in one of them, the current one and those changed since,
// as other customers' event payloads may name any of them (erase.ts).
import type { Dialect, Query } from '../engine.ts'

/** Rows (payload) of the customer's identify events that carry an '@'. */
export function identifyPayloads(_dialect: Dialect, customerId: string): Query {
  return {
    sql: `SELECT payload FROM events
WHERE customer_id = $1 AND kind = 'identify' AND payload LIKE '%@%'`,
    params: [customerId],
  }
}
