// The currencies of the orders with their row counts, most rows first: named in the error that
// refuses to add amounts of several currencies together.
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'

export function orderCurrencies(_dialect: Dialect, args: { source?: string } = {}): Query {
  return {
    sql: `
SELECT currency, count(*) AS n
FROM ${sqlIdent(args.source ?? 'orders')}
WHERE currency IS NOT NULL
GROUP BY currency
ORDER BY n DESC, currency
`,
  }
}
