// One value of the workspace's `meta` table by its key (a migration done, the erasure secret).
import type { Dialect, Query } from '../engine.ts'

/** One row `value`, none when the key is not set. */
export function metaValue(_dialect: Dialect, key: string): Query {
  return { sql: 'SELECT value FROM meta WHERE key = $1', params: [key] }
}
