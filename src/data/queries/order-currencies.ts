// The currencies of the orders with their row counts, most rows first: named in the error that
// refuses to add amounts of several currencies together, each with the first row it is on.
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'

/**
 * `first` (for an error, not on every import: it orders every row) adds where each currency is
 * first met, `file:line`, so that the user can find it; null for orders that came through the
 * service, which have no line.
 */
export function orderCurrencies(
  _dialect: Dialect,
  args: { source?: string; first?: boolean } = {},
): Query {
  const first = args.first
    ? `,
  (array_agg(source || ':' || CAST(source_line AS VARCHAR) ORDER BY source, source_line)
    FILTER (WHERE source_line IS NOT NULL))[1] AS first`
    : ''
  return {
    sql: `
SELECT currency, count(*) AS n${first}
FROM ${sqlIdent(args.source ?? 'orders')}
-- the file's rows: not the refund row the import adds beside a cancelled or partly refunded
-- order (key '<order>:refunded'), which the user cannot find in their file
WHERE currency IS NOT NULL AND order_key NOT LIKE '%:refunded'
GROUP BY currency
ORDER BY n DESC, currency
`,
  }
}
