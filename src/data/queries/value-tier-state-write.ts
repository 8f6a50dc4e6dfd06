// Persist the tiers of this run (see value-tier-state-read.ts) for the next run's grace period.
import type { Dialect, Query } from '../engine.ts'
import { sqlDate, sqlIdent } from './customer-summary.ts'
import { lit } from './import-stage.ts'
import { nan, tierOfCodes } from './value-join.ts'

/**
 * Replace the stored state of the customers in `value_tier_new` (idx, tier, below_since,
 * runs_below as doubles; below_since NaN or NULL = not below): the service passes those whose
 * state changed, so `as_of` is the as-of date of the run that last changed a customer's state.
 */
export function writeTierState(
  _d: Dialect,
  args: { tiers: readonly string[]; asOf: string },
): Query {
  const names = args.tiers.map((n, i) => `WHEN ${i} THEN ${lit(n)}`).join(' ')
  const below = nan('n.below_since')
  return {
    sql: `DELETE FROM tier_state WHERE customer_id IN (
  SELECT v.customer_id FROM value_tier_new n JOIN value_nodes v ON v.idx = CAST(n.idx AS INTEGER)
);
INSERT INTO tier_state (customer_id, tier, below_since, runs_below, as_of)
SELECT v.customer_id, CASE CAST(n.tier AS INTEGER) ${names} END,
  DATE '1970-01-01' + CAST(${below} AS INTEGER), CAST(n.runs_below AS INTEGER),
  DATE '${sqlDate(args.asOf)}'
FROM value_tier_new n JOIN value_nodes v ON v.idx = CAST(n.idx AS INTEGER);`,
  }
}

/**
 * The first run's states (no analysed customer had one, so every customer's state is new): each
 * analysed customer's tier from value_results, not below it (below_since NULL, runs_below 0),
 * straight from the tables the value step already wrote: no state table appended from JS and no
 * join on idx. Run after value_results is written and before the analysis table is renamed.
 */
export function writeFirstTierState(
  d: Dialect,
  args: { analysis: string; tiers: readonly string[]; asOf: string },
): Query {
  const a = sqlIdent(args.analysis)
  const from =
    d === 'duckdb'
      ? `${a} a POSITIONAL JOIN value_results n`
      : `${a} a JOIN value_nodes v ON v.customer_id = a.customer_id JOIN value_results n ON n.idx = v.idx`
  return {
    sql: `INSERT INTO tier_state (customer_id, tier, below_since, runs_below, as_of)
SELECT a.customer_id, ${tierOfCodes(args.tiers)}, CAST(NULL AS DATE), 0, DATE '${sqlDate(args.asOf)}'
FROM ${from}`,
  }
}
