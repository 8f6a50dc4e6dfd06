// The tiers of the insights' customers, the best first, for the tables split by tier (NPS, CES,
// ticket resolution, return rate, survey groups), which came alphabetically (Bronze, Gold ...).
import type { Dialect, Query } from '../engine.ts'
import { INSIGHTS_BASE } from './insights-base.ts'

/**
 * Rows (tier) by the most valuable customer each tier holds, highest first: a tier's members are
 * above the next one's by value, and a customer held in a tier by its grace period is below its
 * top. Ties (no value) by name.
 */
export function insightsTierOrder(_d: Dialect): Query {
  return {
    sql: `SELECT tier FROM ${INSIGHTS_BASE} WHERE tier IS NOT NULL
GROUP BY tier ORDER BY max(value) DESC NULLS LAST, tier`,
  }
}
