// Remove the rows of tickets the event path rewrites (merged with what the events say).
import type { Dialect, Query } from '../engine.ts'
import { jsonKeyList } from './api-delete-keys.ts'

/** DELETE FROM tickets WHERE ticket_id IN (the ids). */
export function deleteTickets(dialect: Dialect, ids: readonly string[]): Query {
  return {
    sql: `DELETE FROM tickets WHERE ticket_id IN (${jsonKeyList(dialect)})`,
    params: [JSON.stringify(ids)],
  }
}
