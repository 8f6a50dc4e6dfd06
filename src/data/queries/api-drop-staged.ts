// Drop staged batches of forwarded imports: one import's (committed, or failed at its commit), and
// those staged before a time (imports a client left unfinished: killed, or its connection lost).
import type { Dialect, Query } from '../engine.ts'

/** DELETE FROM import_staging WHERE import_id = $1 OR staged_at < $2. */
export function dropStaged(
  _dialect: Dialect,
  a: { readonly importId: string | null; readonly before: string | null },
): Query {
  return {
    sql: 'DELETE FROM import_staging WHERE import_id = $1 OR staged_at < CAST($2 AS TIMESTAMP)',
    params: [a.importId, a.before],
  }
}
