// The action audit log, newest first, filtered by playbook, customer or status.
import type { Dialect, Query } from '../engine.ts'

export interface ActionsListArgs {
  readonly playbookId?: string
  readonly customerId?: string
  readonly status?: string
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
  const limit = Math.max(1, Math.min(1000, Math.floor(a.limit)))
  return {
    sql: `SELECT * FROM actions_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
ORDER BY created_at DESC, action_key LIMIT ${limit}`,
    params,
  }
}
