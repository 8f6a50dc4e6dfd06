// Customers ready to upsert: one row per customer id (identical repeats collapsed; conflicting
// repeats were rejected by validation). Signup instants are stored in UTC.
import type { Dialect, Query } from '../engine.ts'
import { goodRows } from './import-order-rows.ts'
import { LINE, lit } from './import-stage.ts'

export const CUSTOMER_COLUMNS = [
  'customer_id',
  'email',
  'name',
  'signup_at',
  'country',
  'region',
  'city',
  'industry',
  'channel',
  'campaign',
  'source',
  'source_line',
] as const

/** TEMP table `import_customer_rows` in the column order of `customers`. */
export function importCustomerRows(
  _d: Dialect,
  args: { source: string; hasProblems: boolean },
): Query {
  return {
    sql: `CREATE OR REPLACE TEMP TABLE import_customer_rows AS
SELECT customer_id, email, name, signup_at, country, region, city,
  industry, channel, campaign, ${lit(args.source)} AS source, ${LINE} AS source_line
FROM (
  SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY ${LINE}) AS occ
  FROM (${goodRows(args.hasProblems)})
) WHERE occ = 1`,
  }
}
