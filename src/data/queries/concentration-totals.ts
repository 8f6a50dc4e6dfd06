// How many customers carry a value, its total, and how much of it is negative. Portable SQL.
import type { Dialect, Query } from '../engine.ts'
import { type ConcentrationArgs, valueSource } from './concentration-source.ts'

/** One row: customers, total, negative_customers, negative_total. */
export function concentrationTotals(_dialect: Dialect, args: ConcentrationArgs): Query {
  return {
    sql: `
SELECT count(*) AS customers,
  coalesce(sum(value), 0) AS total,
  count(*) FILTER (WHERE value < 0) AS negative_customers,
  coalesce(sum(value) FILTER (WHERE value < 0), 0) AS negative_total
FROM ${valueSource(args)} s
`,
  }
}
