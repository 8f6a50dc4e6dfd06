// Persist a task state transition produced by core/ops/tasks (claim, release, complete, cancel).
import type { Dialect, Query } from '../engine.ts'

export interface TaskSaveArgs {
  readonly taskId: string
  readonly status: string
  readonly claimedBy: string | null
  readonly claimedAtTs: string | null
  readonly completedAtTs: string | null
  readonly outcome: string | null
  readonly cancelledAtTs: string | null
  readonly cancelReason: string | null
  /** Optimistic check: only update if the stored status is still this one. */
  readonly expectStatus: string
}

export function taskSave(_dialect: Dialect, a: TaskSaveArgs): Query {
  return {
    sql: `UPDATE tasks SET status = $2, claimed_by = $3, claimed_at = CAST($4 AS TIMESTAMP),
  completed_at = CAST($5 AS TIMESTAMP), outcome = $6, cancelled_at = CAST($7 AS TIMESTAMP),
  cancel_reason = $8
WHERE task_id = $1 AND status = $9 RETURNING task_id`,
    params: [
      a.taskId,
      a.status,
      a.claimedBy,
      a.claimedAtTs,
      a.completedAtTs,
      a.outcome,
      a.cancelledAtTs,
      a.cancelReason,
      a.expectStatus,
    ],
  }
}
