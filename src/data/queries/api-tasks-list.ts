// Staff tasks, filtered by status, role, assignee, goal or customer; oldest due first; keyset
// paging on (due_at, task_id).
import type { Dialect, Query } from '../engine.ts'

export interface TasksListArgs {
  readonly status?: string
  readonly role?: string
  readonly assignee?: string
  readonly goalId?: string
  readonly customerId?: string
  readonly taskId?: string
  /** Rows after this one in the listing's order (its due_at as ISO 8601, its id). */
  readonly after?: { readonly at: string; readonly id: string }
  readonly limit: number
}

export function tasksList(_dialect: Dialect, a: TasksListArgs): Query {
  const where: string[] = []
  const params: unknown[] = []
  for (const [col, v] of [
    ['status', a.status],
    ['role', a.role],
    ['assignee', a.assignee],
    ['goal_id', a.goalId],
    ['customer_id', a.customerId],
    ['task_id', a.taskId],
  ] as const) {
    if (v !== undefined) {
      params.push(v)
      where.push(`${col} = $${params.length}`)
    }
  }
  if (a.after) {
    params.push(a.after.at, a.after.id)
    const at = `CAST($${params.length - 1} AS TIMESTAMP)`
    where.push(`(due_at > ${at} OR (due_at = ${at} AND task_id > $${params.length}))`)
  }
  const limit = Math.max(1, Math.min(100_000, Math.floor(a.limit)))
  return {
    sql: `SELECT * FROM tasks ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
ORDER BY due_at, task_id LIMIT ${limit}`,
    params,
  }
}
