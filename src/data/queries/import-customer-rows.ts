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
  'marketing_consent',
] as const

/** The attributes of a customer record (every column but the key and the source). */
const ATTRIBUTES = CUSTOMER_COLUMNS.filter(
  (c) => c !== 'customer_id' && c !== 'source' && c !== 'source_line',
)

/** The file's yes/no text (validate.ts's yesNoField) as the stored BOOLEAN. */
const attribute = (c: string): string =>
  c === 'switching_cost' || c === 'marketing_consent' ? `CAST(r.${c} AS BOOLEAN) AS ${c}` : `r.${c}`

/**
 * TEMP table `import_customer_rows` in the column order of `customers`. Attributes the file has
 * no column for are NULL here; a stored customer keeps its own (a file of industries does not
 * erase the countries an earlier file or the orders gave: importChanges' `keep`).
 */
export function importCustomerRows(
  _d: Dialect,
  args: { source: string; hasProblems: boolean },
): Query {
  const attrs = ATTRIBUTES.map((c) => attribute(c)).join(', ')
  return {
    sql: `CREATE OR REPLACE TEMP TABLE import_customer_rows AS
SELECT r.customer_id, ${attrs}, ${lit(args.source)} AS source, r.${LINE} AS source_line
FROM (
  SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY ${LINE}) AS occ
  FROM (${goodRows(args.hasProblems)})
) r
WHERE r.occ = 1`,
  }
}
