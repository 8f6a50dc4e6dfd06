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
  'switching_cost',
] as const

/** The attributes of a customer record (every column but the key and the source). */
const ATTRIBUTES = CUSTOMER_COLUMNS.filter(
  (c) => c !== 'customer_id' && c !== 'source' && c !== 'source_line',
)

/** The file's yes/no text (validate.ts's switchingCostField) as the stored BOOLEAN. */
const attribute = (c: string, from: string): string =>
  c === 'switching_cost' && from === 'r' ? `CAST(r.${c} AS BOOLEAN) AS ${c}` : `${from}.${c}`

/**
 * TEMP table `import_customer_rows` in the column order of `customers`. `keep`: attributes the
 * file has no column for: a stored customer keeps its own (a file of industries does not erase
 * the countries an earlier file or the orders gave), a new one has none.
 */
export function importCustomerRows(
  _d: Dialect,
  args: { source: string; hasProblems: boolean; keep?: readonly string[] },
): Query {
  const keep = new Set(args.keep ?? [])
  const attrs = ATTRIBUTES.map((c) => attribute(c, keep.has(c) ? 's' : 'r')).join(', ')
  const join = keep.size > 0 ? 'LEFT JOIN customers s ON s.customer_id = r.customer_id' : ''
  return {
    sql: `CREATE OR REPLACE TEMP TABLE import_customer_rows AS
SELECT r.customer_id, ${attrs}, ${lit(args.source)} AS source, r.${LINE} AS source_line
FROM (
  SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY ${LINE}) AS occ
  FROM (${goodRows(args.hasProblems)})
) r ${join}
WHERE r.occ = 1`,
  }
}
