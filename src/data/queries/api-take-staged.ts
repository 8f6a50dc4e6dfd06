// A commit takes its import's staged batches in its own transaction: the seqs it deleted tell it
// whether the batches it read are still all there is (another commit took them first, or a late
// batch arrived since they were read).
import type { Dialect, Query } from '../engine.ts'

/** DELETE FROM import_staging WHERE import_id = $1 RETURNING seq. */
export function takeStaged(_dialect: Dialect, importId: string): Query {
  return {
    sql: 'DELETE FROM import_staging WHERE import_id = $1 RETURNING seq',
    params: [importId],
  }
}
