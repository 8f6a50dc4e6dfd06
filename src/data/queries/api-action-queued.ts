// One webhook action as it stands now, if it is still queued: the dispatcher reads its batch of due
// actions first and sends them one at a time, so by a message's turn it may have been suppressed
// (an erasure suppresses the customer's queued messages and renames their keys) or sent by
// another pass (or tried and queued again for a later retry). No row: not to be sent now.
import type { Dialect, Query } from '../engine.ts'

export function actionQueued(_dialect: Dialect, actionKey: string, nowTs: string): Query {
  return {
    sql: `SELECT * FROM actions_log WHERE action_key = $1 AND kind = 'webhook' AND status = 'queued'
  AND scheduled_at <= CAST($2 AS TIMESTAMP)`,
    params: [actionKey, nowTs],
  }
}
