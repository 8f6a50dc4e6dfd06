// Gini coefficient from the ranked values (no sort of its own), on values clamped at 0. Portable SQL, all in DOUBLE (a
// NUMERIC (n + 1.0) / n on PostgreSQL would round differently from DuckDB).
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'

/**
 * One row (customers, gini). With x_(1) <= ... <= x_(n) the values clamped at 0,
 * G = 2 sum_i i x_(i) / (n sum_i x_(i)) - (n + 1) / n (the standard sorted-values form, e.g.
 * Damgaard & Weiner 2000). 0 = everybody equal, (n - 1) / n = one customer holds everything.
 * NULL when there are no customers or the clamped total is 0.
 */
export function concentrationGini(_dialect: Dialect, args: { ranked: string }): Query {
  return {
    sql: `
WITH v AS (SELECT greatest(value, 0) AS x, rn FROM ${sqlIdent(args.ranked)})
-- ascending rank i = n + 1 - rn, so sum_i i x_(i) = (n + 1) S - sum rn x and
-- G = (n + 1) / n - 2 sum(rn x) / (n S)
SELECT count(*) AS customers,
  CASE WHEN count(*) = 0 OR sum(x) <= 0 THEN NULL
    ELSE CAST(count(*) + 1 AS DOUBLE PRECISION) / count(*)
      - 2 * sum(rn * x) / (count(*) * sum(x)) END AS gini
FROM v
`,
  }
}
