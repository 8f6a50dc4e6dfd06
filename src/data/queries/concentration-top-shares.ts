// Share of the total held by the top k % of customers, all k in one sort.
import { UsageError } from '../../errors.ts'
import type { Dialect, Query } from '../engine.ts'
import { type ConcentrationArgs, valueSource } from './concentration-source.ts'

/**
 * Rows (pct, customers, value, share) for each integer percent in `percents`: the top k % are
 * the ceil(k n / 100) customers with the highest value (ties broken by customer_id, which does
 * not change the sum). share = their value / the total of all values (NULL when the total is 0);
 * with negative values the total is net, so a share can exceed 1.
 */
export function concentrationTopShares(
  _dialect: Dialect,
  args: ConcentrationArgs & { percents: readonly number[] },
): Query {
  for (const p of args.percents) {
    if (!Number.isInteger(p) || p < 1 || p > 100) {
      throw new UsageError(`top-share percent must be an integer 1-100, got ${p}`)
    }
  }
  const pcts = args.percents.join(', ')
  return {
    sql: `
WITH ranked AS (
  SELECT row_number() OVER w AS rn, sum(value) OVER w AS cum
  FROM ${valueSource(args)} s
  WINDOW w AS (ORDER BY value DESC, customer_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
tot AS (SELECT count(*) AS n, sum(value) AS total FROM ${valueSource(args)} s2),
p AS (SELECT unnest([${pcts}]) AS pct)
SELECT p.pct, r.rn AS customers, r.cum AS value,
  CASE WHEN tot.total = 0 THEN NULL ELSE r.cum / tot.total END AS share
FROM p CROSS JOIN tot
JOIN ranked r ON r.rn = (p.pct * tot.n + 99) // 100
ORDER BY p.pct
`,
  }
}
