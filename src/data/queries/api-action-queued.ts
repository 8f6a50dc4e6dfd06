// One webhook action as it stands now, if it is still queued: the dispatcher reads its batch of due
// actions first and sends them one at a time, so by a message's turn it may have been suppressed
// (an erasure suppresses the customer's queued messages and renames their keys) or sent by
// another pass. No row: not to be sent.
import type { Dialect, Query } from '../engine.ts'

export function actionQueued(_dialect: Dialect, actionKey: string): Query {
  return {
    sql: `SELECT * FROM actions_log WHERE action_key = $1 AND kind = 'webhook' AND status = 'queued'`,
    params: [actionKey],
  }
}
