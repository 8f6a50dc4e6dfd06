// The service's tier grace state: who a refit kept in a tier they have fallen below, since when and
// for how many refits (docs/value.md, "Grace period"). Rewritten per chunk of customers: the rows
// of the chunk are deleted, the ones still held inserted again.
import type { Dialect, Query } from '../engine.ts'

const keyList = (dialect: Dialect): string =>
  dialect === 'duckdb'
    ? `SELECT unnest(from_json($1, '["VARCHAR"]'))`
    : 'SELECT json_array_elements_text(CAST($1 AS text)::json)'

/** Rows (customer_id, tier, below_since, runs_below) of these customers. */
export function readTierGrace(dialect: Dialect, customerIds: readonly string[]): Query {
  return {
    sql: `SELECT customer_id, tier, below_since, runs_below FROM profile_tier_grace
WHERE customer_id IN (${keyList(dialect)})`,
    params: [JSON.stringify(customerIds)],
  }
}

/** Delete the rows of these customers (before the held ones are inserted again). */
export function clearTierGrace(dialect: Dialect, customerIds: readonly string[]): Query {
  return {
    sql: `DELETE FROM profile_tier_grace WHERE customer_id IN (${keyList(dialect)})`,
    params: [JSON.stringify(customerIds)],
  }
}
