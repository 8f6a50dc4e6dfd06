// One staged batch of a forwarded file import, by its place in the file: a batch sent again under
// the same seq must be the same batch (see stageBatch).
import type { Dialect, Query } from '../engine.ts'

/** SELECT payload FROM import_staging WHERE import_id = $1 AND seq = $2. */
export function stagedBatch(_dialect: Dialect, importId: string, seq: number): Query {
  return {
    sql: 'SELECT payload FROM import_staging WHERE import_id = $1 AND seq = $2',
    params: [importId, seq],
  }
}
