// A job the server was running when it stopped without finishing it (kill -9, a crash): on the
// next start nothing runs it any more, so it is failed, or a client polling it would wait forever.
import type { Dialect, Query } from '../engine.ts'

/** Mark every queued or running job failed, finished at `atTs` (one server per store). */
export function jobsInterrupted(_dialect: Dialect, args: { atTs: string }): Query {
  return {
    sql: `UPDATE jobs SET status = 'failed', finished_at = CAST($1 AS TIMESTAMP),
  message = 'interrupted: the server stopped before the job ended (start it again)'
WHERE status IN ('queued', 'running')`,
    params: [args.atTs],
  }
}
