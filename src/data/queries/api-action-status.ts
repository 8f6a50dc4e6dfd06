// Record a webhook delivery attempt: sent, failed for good, or queued again for a later retry.
import type { Dialect, Query } from '../engine.ts'

export interface ActionStatusArgs {
  readonly actionKey: string
  readonly status: 'sent' | 'failed' | 'queued'
  readonly detail: string
  readonly attempts: number
  readonly scheduledAtTs: string
  readonly sentAtTs: string | null
}

export function actionStatus(_dialect: Dialect, a: ActionStatusArgs): Query {
  return {
    sql: `UPDATE actions_log SET status = $2, detail = $3, attempts = $4,
  scheduled_at = CAST($5 AS TIMESTAMP), sent_at = CAST($6 AS TIMESTAMP)
WHERE action_key = $1`,
    params: [a.actionKey, a.status, a.detail, a.attempts, a.scheduledAtTs, a.sentAtTs],
  }
}
