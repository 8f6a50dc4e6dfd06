// Webhook actions ready to send: queued (new, released from a deferral, or waiting for a retry)
// and due. Oldest first. Deferred actions are re-checked against the contact budget first
// (api-actions-deferred-due.ts), never sent straight from here.
import type { Dialect, Query } from '../engine.ts'

export function actionsDue(_dialect: Dialect, nowTs: string, limit: number): Query {
  return {
    sql: `SELECT * FROM actions_log
WHERE kind = 'webhook' AND status = 'queued' AND scheduled_at <= CAST($1 AS TIMESTAMP)
ORDER BY scheduled_at, action_key LIMIT ${Math.max(1, Math.floor(limit))}`,
    params: [nowTs],
  }
}
