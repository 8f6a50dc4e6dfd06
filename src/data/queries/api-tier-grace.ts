// The service's tier grace state: who a refit kept in a tier they have fallen below, since when and
// for how many refits (docs/value.md, "Grace period"). Rewritten per chunk of customers: the rows
// of the chunk are deleted (deleteKeys), the ones still held inserted again.
import type { Dialect, Query } from '../engine.ts'
import { jsonKeyList } from './api-delete-keys.ts'

/** Rows (customer_id, tier, below_since, runs_below) of these customers. */
export function readTierGrace(dialect: Dialect, customerIds: readonly string[]): Query {
  return {
    sql: `SELECT customer_id, tier, below_since, runs_below FROM profile_tier_grace
WHERE customer_id IN (${jsonKeyList(dialect)})`,
    params: [JSON.stringify(customerIds)],
  }
}
