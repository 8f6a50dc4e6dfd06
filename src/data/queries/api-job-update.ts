// Move a background job along: status, progress 0..1, message, times, result JSON.
import type { Dialect, Query } from '../engine.ts'

export interface JobUpdateArgs {
  readonly jobId: string
  readonly status: string
  readonly progress: number
  readonly message: string | null
  readonly startedAtTs: string | null
  readonly finishedAtTs: string | null
  readonly result: string | null
}

export function jobUpdate(_dialect: Dialect, a: JobUpdateArgs): Query {
  return {
    sql: `UPDATE jobs SET status = $2, progress = $3, message = $4,
  started_at = CAST($5 AS TIMESTAMP), finished_at = CAST($6 AS TIMESTAMP), result = $7
WHERE job_id = $1`,
    params: [a.jobId, a.status, a.progress, a.message, a.startedAtTs, a.finishedAtTs, a.result],
  }
}
