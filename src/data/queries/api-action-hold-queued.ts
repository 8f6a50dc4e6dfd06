// A queued message that must not go after all: the customer refused it (an unsubscribe, a
// marketing consent withdrawn) or lost their email address after it was queued. It is suppressed
// with the reason instead of sent. Only a row still queued is changed, so a send recorded by
// another pass meanwhile is never overwritten.
import type { Dialect, Query } from '../engine.ts'

export interface ActionHoldQueuedArgs {
  readonly actionKey: string
  readonly reason: string
  readonly detail: string
}

export function actionHoldQueued(_dialect: Dialect, a: ActionHoldQueuedArgs): Query {
  return {
    sql: `UPDATE actions_log SET status = 'suppressed', reason = $2, detail = $3
WHERE action_key = $1 AND status = 'queued'`,
    params: [a.actionKey, a.reason, a.detail],
  }
}
