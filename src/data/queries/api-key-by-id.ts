// One API key row by its public id (the part of the key before the secret).
import type { Dialect, Query } from '../engine.ts'

export function apiKeyById(_dialect: Dialect, keyId: string): Query {
  return {
    sql: 'SELECT key_id, name, role, salt, hash, created_at, revoked_at FROM api_keys WHERE key_id = $1',
    params: [keyId],
  }
}
