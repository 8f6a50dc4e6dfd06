// Webhook actions ready to send: queued, or deferred (quiet hours, later onboarding steps) whose
// time has come. Oldest first.
import type { Dialect, Query } from '../engine.ts'

export function actionsDue(_dialect: Dialect, nowTs: string, limit: number): Query {
  return {
    sql: `SELECT * FROM actions_log
WHERE kind = 'webhook' AND status IN ('queued', 'deferred') AND scheduled_at <= CAST($1 AS TIMESTAMP)
ORDER BY scheduled_at, action_key LIMIT ${Math.max(1, Math.floor(limit))}`,
    params: [nowTs],
  }
}
