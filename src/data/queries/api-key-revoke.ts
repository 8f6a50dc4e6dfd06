// Revoke a key (kept for the audit trail, never deleted).
import type { Dialect, Query } from '../engine.ts'

export function apiKeyRevoke(_dialect: Dialect, keyId: string, atTs: string): Query {
  return {
    sql: `UPDATE api_keys SET revoked_at = CAST($2 AS TIMESTAMP)
WHERE key_id = $1 AND revoked_at IS NULL RETURNING key_id`,
    params: [keyId, atTs],
  }
}
