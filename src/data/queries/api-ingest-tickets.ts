// The stored rows of a group's tickets: a "Ticket Resolved" completes the row its "Ticket Created"
// (or an import) wrote, so the event path reads them, merges in JS and rewrites them.
import type { Dialect, Query } from '../engine.ts'
import { jsonKeyList } from './api-delete-keys.ts'

/** SELECT the tickets' columns WHERE ticket_id IN (the ids). */
export function ticketsById(dialect: Dialect, ids: readonly string[]): Query {
  return {
    sql: `SELECT ticket_id, customer_id, opened_at, CAST(opened_date AS VARCHAR) AS opened_date, resolved_at, channel, handling_minutes, satisfaction, source
FROM tickets WHERE ticket_id IN (${jsonKeyList(dialect)})`,
    params: [JSON.stringify(ids)],
  }
}
