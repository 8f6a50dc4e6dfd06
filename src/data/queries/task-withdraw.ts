// Withdraw the open and claimed tasks of lapse playbooks whose customer has ordered since the task
// was opened: one UPDATE, in the transaction that stored the orders (an order is a row of amount
// >= 0; a refund is negative and ends no lapse).
import type { Dialect, Query } from '../engine.ts'

export interface TaskWithdrawArgs {
  readonly customerIds: readonly string[]
  /** The playbooks whose occasion an order ends (best customer at risk, no order for N days...). */
  readonly playbookIds: readonly string[]
  /** The withdrawal time (UTC, no zone), stored as the task's cancelled_at. */
  readonly atTs: string
  /** The cancel_reason stored. */
  readonly reason: string
}

/** UPDATE tasks SET status = 'cancelled' ... RETURNING task_id, for the tasks an order ended. */
export function taskWithdraw(_dialect: Dialect, a: TaskWithdrawArgs): Query {
  const params: unknown[] = [a.atTs, a.reason]
  const marks = (xs: readonly string[]) =>
    xs
      .map((x) => {
        params.push(x)
        return `$${params.length}`
      })
      .join(', ')
  const customers = marks(a.customerIds)
  const playbooks = marks(a.playbookIds)
  return {
    sql: `UPDATE tasks SET status = 'cancelled', cancelled_at = CAST($1 AS TIMESTAMP), cancel_reason = $2
WHERE status IN ('open', 'claimed') AND customer_id IN (${customers}) AND playbook_id IN (${playbooks})
  AND EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = tasks.customer_id AND o.amount >= 0
    AND o.ordered_at > tasks.created_at)
RETURNING task_id`,
    params,
  }
}
