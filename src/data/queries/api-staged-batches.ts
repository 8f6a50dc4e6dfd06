// The batches a forwarded file import staged under its id (see import_staging in create-schema.ts),
// in the order the client sent them: the commit applies them as one.
import type { Dialect, Query } from '../engine.ts'

/** SELECT seq, payload FROM import_staging WHERE import_id = $1 ORDER BY seq. */
export function stagedBatches(_dialect: Dialect, importId: string): Query {
  return {
    sql: 'SELECT seq, payload FROM import_staging WHERE import_id = $1 ORDER BY seq',
    params: [importId],
  }
}
