// A playbook's reach split into treated and holdout control, and how many of each bought again
// within `windowDays` after their first action (sent or suppressed): the repeat-purchase effect.
import { UsageError } from '../../errors.ts'
import type { Dialect, Query } from '../engine.ts'

export function effectGroups(_dialect: Dialect, playbookId: string, windowDays: number): Query {
  if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > 3650) {
    throw new UsageError('windowDays must be a whole number of days from 1 to 3650', { windowDays })
  }
  return {
    sql: `WITH reach AS (
  SELECT customer_id, bool_or(control) AS control, min(created_at) AS first_at
  FROM actions_log WHERE playbook_id = $1 GROUP BY customer_id
)
SELECT r.control AS control, count(*) AS n,
  sum(CASE WHEN EXISTS (
    SELECT 1 FROM orders o
    WHERE o.customer_id = r.customer_id AND o.amount >= 0 AND o.ordered_at > r.first_at
      AND o.ordered_at <= r.first_at + INTERVAL '${windowDays} days'
  ) THEN 1 ELSE 0 END) AS converted
FROM reach r GROUP BY r.control`,
    params: [playbookId],
  }
}
