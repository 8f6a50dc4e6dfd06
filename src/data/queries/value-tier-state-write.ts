// Persist the tiers of this run (see value-tier-state-read.ts) for the next run's grace period.
import type { Dialect, Query } from '../engine.ts'
import { sqlDate } from './customer-summary.ts'
import { lit } from './import-stage.ts'
import { nan } from './value-join.ts'

/**
 * Replace the stored state of the customers in `value_tier_new` (idx, tier, below_since,
 * runs_below as doubles; below_since NaN or NULL = not below): the service passes those whose
 * state changed, so `as_of` is the as-of date of the run that last changed a customer's state.
 * `replace: false` leaves out the DELETE when none of them has a stored state (a first run).
 */
export function writeTierState(
  _d: Dialect,
  args: { tiers: readonly string[]; asOf: string; replace?: boolean },
): Query {
  const names = args.tiers.map((n, i) => `WHEN ${i} THEN ${lit(n)}`).join(' ')
  const below = nan('n.below_since')
  return {
    sql: `${
      args.replace === false
        ? ''
        : `DELETE FROM tier_state WHERE customer_id IN (
  SELECT v.customer_id FROM value_tier_new n JOIN value_nodes v ON v.idx = CAST(n.idx AS INTEGER)
);
`
    }INSERT INTO tier_state (customer_id, tier, below_since, runs_below, as_of)
SELECT v.customer_id, CASE CAST(n.tier AS INTEGER) ${names} END,
  DATE '1970-01-01' + CAST(${below} AS INTEGER), CAST(n.runs_below AS INTEGER),
  DATE '${sqlDate(args.asOf)}'
FROM value_tier_new n JOIN value_nodes v ON v.idx = CAST(n.idx AS INTEGER);`,
  }
}
