import type { Dialect, Query } from '../engine.ts'

/**
 * Every stored tier state, deleted: a run told to reset the tiers (`analyze --reset-tiers`, after
 * the tier list or its thresholds changed) stores its own as a first run does, in the same
 * transaction, so a failure leaves the old states as they were.
 */
export function clearTierState(_d: Dialect): Query {
  return { sql: 'DELETE FROM tier_state' }
}
