// Every API key without its hash: id, name, role, created, revoked.
import type { Dialect, Query } from '../engine.ts'

export function apiKeysList(_dialect: Dialect): Query {
  return {
    sql: 'SELECT key_id, name, role, created_at, revoked_at FROM api_keys ORDER BY created_at, key_id',
  }
}
