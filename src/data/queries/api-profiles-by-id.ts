// The profiles of a set of customers (one group of events, or one lookup), by primary key.
import type { Dialect, Query } from '../engine.ts'

/** SELECT * FROM customer_profile WHERE customer_id IN ($1, ...). */
export function profilesById(_dialect: Dialect, ids: readonly string[]): Query {
  if (ids.length === 0) return { sql: 'SELECT * FROM customer_profile WHERE 1 = 0' }
  const marks = ids.map((_, i) => `$${i + 1}`).join(', ')
  return { sql: `SELECT * FROM customer_profile WHERE customer_id IN (${marks})`, params: ids }
}
