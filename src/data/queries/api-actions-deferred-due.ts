// Deferred actions (quiet hours, later onboarding steps, anything held by the contact budget)
// whose time has come, messages and staff tasks alike: they go through the budget again before
// anything is sent. Oldest first.
import type { Dialect, Query } from '../engine.ts'

export function actionsDeferredDue(_dialect: Dialect, nowTs: string, limit: number): Query {
  return {
    sql: `SELECT * FROM actions_log
WHERE status = 'deferred' AND scheduled_at <= CAST($1 AS TIMESTAMP)
ORDER BY scheduled_at, action_key LIMIT ${Math.max(1, Math.floor(limit))}`,
    params: [nowTs],
  }
}
