// A customer's record from an imported customers file (name, email, location, acquisition, and
// the switching cost and marketing consent it says).
import type { Dialect, Query } from '../engine.ts'

/** One row of text: `signup_at` as ISO 8601 UTC, the two flags as yes / no (NULL: not said). */
export function customerAttributes(d: Dialect, args: { customerId: string }): Query {
  const signup =
    d === 'duckdb'
      ? `strftime(signup_at, '%Y-%m-%dT%H:%M:%SZ')`
      : `to_char(signup_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`
  const flag = (c: string) => `CASE WHEN ${c} THEN 'yes' WHEN NOT ${c} THEN 'no' END AS ${c}`
  return {
    sql: `SELECT name, email, ${signup} AS signup_at, country, region, city,
  industry, channel, campaign, ${flag('switching_cost')}, ${flag('marketing_consent')}
FROM customers WHERE customer_id = $1 LIMIT 1`,
    params: [args.customerId],
  }
}
