// Which of a set of event ids (messageIds and order markers) are stored already: the ids travel as
// one JSON array parameter (see api-insert-rows.ts) and are matched on the events primary key.
import type { Dialect, Query } from '../engine.ts'
import { jsonKeyList } from './api-delete-keys.ts'

/**
 * SELECT event_id, kind, name FROM events WHERE event_id IN (the ids): a retry is told from
 * another message given a stored one's id by its kind and name.
 */
export function existingEvents(dialect: Dialect, ids: readonly string[]): Query {
  return {
    sql: `SELECT event_id, kind, name FROM events WHERE event_id IN (${jsonKeyList(dialect)})`,
    params: [JSON.stringify(ids)],
  }
}
