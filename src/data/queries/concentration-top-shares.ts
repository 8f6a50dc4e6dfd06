// Share of the total held by the top k % of customers: lookups of the running sum of the ranked
// values. Portable SQL except the integer division (dialect-sql.ts).
import { UsageError } from '../../errors.ts'
import type { Dialect, Query } from '../engine.ts'
import { exactSum, sqlIdent } from './customer-summary.ts'
import { intDiv } from './dialect-sql.ts'

/**
 * Rows (pct, customers, value, share) for each integer percent in `percents`: the top k % are
 * the ceil(k n / 100) customers with the highest value (ties broken by customer_id, which does
 * not change the sum). share = their value / the total of all values (NULL when the total is 0 or below: a share of a negative total has no meaning);
 * with negative values the total is net, so a share can exceed 1.
 */
export function concentrationTopShares(
  dialect: Dialect,
  args: { ranked: string; percents: readonly number[] },
): Query {
  for (const p of args.percents) {
    if (!Number.isInteger(p) || p < 1 || p > 100) {
      throw new UsageError(`top-share percent must be an integer 1-100, got ${p}`)
    }
  }
  const ranked = sqlIdent(args.ranked)
  // VALUES is the portable list (DuckDB's unnest([..]) is not PostgreSQL's); none: no rows
  const pcts =
    args.percents.length === 0
      ? 'SELECT CAST(NULL AS INTEGER) AS pct WHERE FALSE'
      : `SELECT pct FROM (VALUES ${args.percents.map((p) => `(${p})`).join(', ')}) AS v(pct)`
  return {
    sql: `
WITH tot AS (SELECT count(*) AS n, ${exactSum('value')} AS total FROM ${ranked}),
p AS (${pcts})
SELECT p.pct, r.rn AS customers, r.cum AS value,
  CASE WHEN tot.total <= 0 THEN NULL ELSE r.cum / tot.total END AS share
FROM p CROSS JOIN tot
JOIN ${ranked} r ON r.rn = ${intDiv(dialect, 'p.pct * tot.n + 99', '100')}
ORDER BY p.pct
`,
  }
}
