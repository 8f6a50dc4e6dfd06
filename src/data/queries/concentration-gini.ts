// Gini coefficient in one ordered pass, on values clamped at 0. Portable SQL, all in DOUBLE (a
// NUMERIC (n + 1.0) / n on PostgreSQL would round differently from DuckDB).
import type { Dialect, Query } from '../engine.ts'
import { type ConcentrationArgs, valueOrder, valueSource } from './concentration-source.ts'

/**
 * One row (customers, gini). With x_(1) <= ... <= x_(n) the values clamped at 0,
 * G = 2 sum_i i x_(i) / (n sum_i x_(i)) - (n + 1) / n (the standard sorted-values form, e.g.
 * Damgaard & Weiner 2000). 0 = everybody equal, (n - 1) / n = one customer holds everything.
 * NULL when there are no customers or the clamped total is 0.
 */
export function concentrationGini(dialect: Dialect, args: ConcentrationArgs): Query {
  return {
    sql: `
WITH v AS (
  SELECT greatest(value, 0) AS x, row_number() OVER (ORDER BY ${valueOrder(dialect, 'ASC')}) AS i
  FROM ${valueSource(args)} s
)
SELECT count(*) AS customers,
  CASE WHEN count(*) = 0 OR sum(x) <= 0 THEN NULL
    ELSE 2 * sum(i * x) / (count(*) * sum(x))
      - CAST(count(*) + 1 AS DOUBLE PRECISION) / count(*) END AS gini
FROM v
`,
  }
}
