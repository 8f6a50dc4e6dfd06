// A job the server was running when it stopped without finishing it (kill -9, a crash): on the
// next start nothing runs it any more, so it is failed, or a client polling it would wait forever.
import type { Dialect, Query } from '../engine.ts'

/**
 * Mark every queued or running job failed, finished at `atTs` (one server per store), and return
 * their kinds (RETURNING kind): a refit cut short left some profiles scored by a model that was
 * never saved, so the server starts a new one (server.ts).
 */
export function jobsInterrupted(_dialect: Dialect, args: { atTs: string }): Query {
  return {
    sql: `UPDATE jobs SET status = 'failed', finished_at = CAST($1 AS TIMESTAMP),
  message = CASE WHEN kind = 'refit'
    THEN 'interrupted: the server stopped before the job ended (some profiles were re-scored, the model was not saved); the server started a new refit when it started again'
    ELSE 'interrupted: the server stopped before the job ended (start it again)' END
WHERE status IN ('queued', 'running')
RETURNING kind`,
    params: [args.atTs],
  }
}
