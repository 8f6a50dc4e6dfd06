// Recent contacts of a set of customers, for the contact budget and the playbooks' fired keys:
// every action logged since `sinceTs` plus every action key ever stored for them.
import type { Dialect, Query } from '../engine.ts'

export function contactLog(_dialect: Dialect, ids: readonly string[], sinceTs: string): Query {
  if (ids.length === 0) return { sql: 'SELECT * FROM actions_log WHERE 1 = 0' }
  const marks = ids.map((_, i) => `$${i + 2}`).join(', ')
  return {
    sql: `SELECT action_key, customer_id, playbook_id, kind, channel, department, status, scheduled_at,
  scheduled_at >= CAST($1 AS TIMESTAMP) AS recent
FROM actions_log WHERE customer_id IN (${marks})`,
    params: [sinceTs, ...ids],
  }
}
