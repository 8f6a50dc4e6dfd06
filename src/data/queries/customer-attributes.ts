// A customer's record from an imported customers file (name, email, location, acquisition).
import type { Dialect, Query } from '../engine.ts'

export function customerAttributes(_d: Dialect, args: { customerId: string }): Query {
  return {
    sql: `SELECT name, email, CAST(signup_at AS VARCHAR) AS signup_at, country, region, city,
  industry, channel, campaign
FROM customers WHERE customer_id = $1 LIMIT 1`,
    params: [args.customerId],
  }
}
