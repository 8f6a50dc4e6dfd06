// Gini coefficient from the ranked values (no sort of its own), on values clamped at 0. Portable
// SQL. The two sums are exact (a parallel sum of doubles depends on the order the threads add
// them in: two runs on the same data gave Ginis differing in their last digits); the arithmetic on
// them is in DOUBLE (a NUMERIC (n + 1.0) / n on PostgreSQL would round differently from DuckDB).
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent, toDecimal, toDouble } from './customer-summary.ts'

/**
 * One row (customers, gini). With x_(1) <= ... <= x_(n) the values clamped at 0,
 * G = 2 sum_i i x_(i) / (n sum_i x_(i)) - (n + 1) / n (the standard sorted-values form, e.g.
 * Damgaard & Weiner 2000). 0 = everybody equal, (n - 1) / n = one customer holds everything.
 * NULL when there are no customers or the clamped total is 0.
 */
export function concentrationGini(_dialect: Dialect, args: { ranked: string }): Query {
  // x has at most 6 decimals that count (revenue is summed as DECIMAL(18,6)); rn x stays far
  // below DECIMAL(38,6)'s 10^32 for any count of customers and money this can hold
  const x = toDecimal('greatest(value, 0)', 38)
  return {
    sql: `
WITH v AS (SELECT ${x} AS x, rn FROM ${sqlIdent(args.ranked)}),
s AS (SELECT count(*) AS n, sum(x) AS sx, sum(rn * x) AS srx FROM v)
-- ascending rank i = n + 1 - rn, so sum_i i x_(i) = (n + 1) S - sum rn x and
-- G = (n + 1) / n - 2 sum(rn x) / (n S)
SELECT n AS customers,
  CASE WHEN n = 0 OR sx <= 0 THEN NULL
    ELSE CAST(n + 1 AS DOUBLE PRECISION) / n
      - 2 * ${toDouble('srx')} / (n * ${toDouble('sx')}) END AS gini
FROM s
`,
  }
}
