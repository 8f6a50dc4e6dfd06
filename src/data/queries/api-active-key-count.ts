// How many API keys are not revoked: none, and the server refuses every request.
import type { Dialect, Query } from '../engine.ts'

/** One row, n: the keys without a revocation. */
export function apiActiveKeyCount(_dialect: Dialect): Query {
  return { sql: 'SELECT count(*) AS n FROM api_keys WHERE revoked_at IS NULL' }
}
