// The action audit log, newest first, filtered by playbook, customer or status; keyset paging on
// (created_at, action_key).
import type { Dialect, Query } from '../engine.ts'

export interface ActionsListArgs {
  readonly playbookId?: string
  readonly customerId?: string
  readonly status?: string
  /** Rows after this one in the listing's order (its created_at as ISO 8601, its key). */
  readonly after?: { readonly at: string; readonly id: string }
  readonly limit: number
}

export function actionsList(_dialect: Dialect, a: ActionsListArgs): Query {
  const where: string[] = []
  const params: unknown[] = []
  for (const [col, v] of [
    ['playbook_id', a.playbookId],
    ['customer_id', a.customerId],
    ['status', a.status],
  ] as const) {
    if (v !== undefined) {
      params.push(v)
      where.push(`${col} = $${params.length}`)
    }
  }
  if (a.after) {
    params.push(a.after.at, a.after.id)
    const at = `CAST($${params.length - 1} AS TIMESTAMP)`
    where.push(`(created_at < ${at} OR (created_at = ${at} AND action_key > $${params.length}))`)
  }
  // one row more than asked: whether another page follows
  const limit = Math.max(1, Math.min(1000, Math.floor(a.limit))) + 1
  return {
    sql: `SELECT * FROM actions_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
ORDER BY created_at DESC, action_key LIMIT ${limit}`,
    params,
  }
}
