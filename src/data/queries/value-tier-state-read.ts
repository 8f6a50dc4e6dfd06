// The tier each customer held after the last analyze run, for the grace period. Tiers are stored
// by name and read back as indices of the current tier list: a renamed or removed tier reads as
// "no previous tier", which is the reset the grace rule needs when the tier list changes.
import type { Dialect, Query } from '../engine.ts'
import { sqlDate } from './customer-summary.ts'
import { lit } from './import-stage.ts'

const tierCase = (names: readonly string[], col: string): string =>
  `CASE ${col} ${names.map((n, i) => `WHEN ${lit(n)} THEN ${i}`).join(' ')} ELSE -1 END`

/**
 * Rows (idx, tier, below_since, runs_below, as_of: day numbers) of analysed customers with a stored state written by
 * a run as of `asOf` or before: a run dated back (a look at the past) does not see states from
 * its future, where grace would have started after its own as-of date.
 */
export function readTierState(
  _d: Dialect,
  args: { tiers: readonly string[]; asOf: string },
): Query {
  return {
    sql: `SELECT CAST(v.idx AS DOUBLE PRECISION) AS idx,
  CAST(${tierCase(args.tiers, 't.tier')} AS DOUBLE PRECISION) AS tier,
  CAST(t.below_since - DATE '1970-01-01' AS DOUBLE PRECISION) AS below_since,
  CAST(t.runs_below AS DOUBLE PRECISION) AS runs_below,
  CAST(t.as_of - DATE '1970-01-01' AS DOUBLE PRECISION) AS as_of
FROM tier_state t JOIN value_nodes v ON v.customer_id = t.customer_id
WHERE v.buyer AND t.as_of <= DATE '${sqlDate(args.asOf)}'`,
  }
}
