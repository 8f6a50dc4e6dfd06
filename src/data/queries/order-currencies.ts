// The currencies of the orders with their row counts, most rows first: named in the error that
// refuses to add amounts of several currencies together.
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'

export function orderCurrencies(_dialect: Dialect, args: { source?: string } = {}): Query {
  return {
    sql: `
SELECT currency, count(*) AS n
FROM ${sqlIdent(args.source ?? 'orders')}
-- the file's rows: not the refund row the import adds beside a cancelled or partly refunded
-- order (key '<order>:refunded'), which the user cannot find in their file
WHERE currency IS NOT NULL AND order_key NOT LIKE '%:refunded'
GROUP BY currency
ORDER BY n DESC, currency
`,
  }
}
