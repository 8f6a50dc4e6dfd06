// Values of the workspace's `meta` table by a list of keys (the erasure markers of a batch's
// customers).
import type { Dialect, Query } from '../engine.ts'

/** Rows `key`, `value` of the keys that are set (none for an empty list). */
export function metaValues(_dialect: Dialect, keys: readonly string[]): Query {
  if (keys.length === 0) return { sql: 'SELECT key, value FROM meta WHERE false' }
  const list = keys.map((_, i) => `$${i + 1}`).join(', ')
  return { sql: `SELECT key, value FROM meta WHERE key IN (${list})`, params: [...keys] }
}
