// The contact budget's second decision on a deferred action that became due: queued to send,
// task_created, deferred again (with a new time) or suppressed (with the reason). Only a row
// still deferred is changed, so two passes can never decide the same action twice.
import type { Dialect, Query } from '../engine.ts'

export interface ActionReleaseArgs {
  readonly actionKey: string
  readonly status: 'queued' | 'task_created' | 'deferred' | 'suppressed'
  readonly reason: string | null
  readonly detail: string
  readonly scheduledAtTs: string
}

export function actionRelease(_dialect: Dialect, a: ActionReleaseArgs): Query {
  return {
    sql: `UPDATE actions_log SET status = $2, reason = $3, detail = $4,
  scheduled_at = CAST($5 AS TIMESTAMP)
WHERE action_key = $1 AND status = 'deferred'
RETURNING action_key`,
    params: [a.actionKey, a.status, a.reason, a.detail, a.scheduledAtTs],
  }
}
