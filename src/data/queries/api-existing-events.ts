// Which of a set of event ids (messageIds and order markers) are stored already: the ids travel as
// one JSON array parameter (see api-insert-rows.ts) and are matched on the events primary key.
import type { Dialect, Query } from '../engine.ts'

/** SELECT event_id FROM events WHERE event_id IN (the ids). */
export function existingEvents(dialect: Dialect, ids: readonly string[]): Query {
  const list =
    dialect === 'duckdb'
      ? `SELECT unnest(from_json($1, '["VARCHAR"]'))`
      : 'SELECT json_array_elements_text(CAST($1 AS text)::json)'
  return {
    sql: `SELECT event_id FROM events WHERE event_id IN (${list})`,
    params: [JSON.stringify(ids)],
  }
}
