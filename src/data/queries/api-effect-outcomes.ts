// Outcomes staff recorded on a playbook's completed tasks.
import type { Dialect, Query } from '../engine.ts'

export function effectOutcomes(_dialect: Dialect, playbookId: string): Query {
  return {
    sql: `SELECT outcome, count(*) AS n FROM tasks WHERE playbook_id = $1 AND status = 'completed'
GROUP BY outcome ORDER BY n DESC, outcome`,
    params: [playbookId],
  }
}
