// A playbook's actions by status and reason (sent, suppressed: holdout / cap / quiet hours ...).
import type { Dialect, Query } from '../engine.ts'

export function effectStatuses(_dialect: Dialect, playbookId: string): Query {
  return {
    sql: `SELECT status, reason, count(*) AS n FROM actions_log WHERE playbook_id = $1
GROUP BY status, reason ORDER BY status, reason`,
    params: [playbookId],
  }
}
