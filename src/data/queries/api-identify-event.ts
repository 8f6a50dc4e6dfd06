// The stored identify events a customer's traits may have come from: a direct customer's messageId
// is `customer:<id>:<content hash>`, with `:<revision>` when other traits were held before
// (customerAsEvent), so a retry answers with the id its first call was stored under. The caller
// keeps the ids whose rest is a revision (digits): another customer's id may begin with this base.
import type { Dialect, Query } from '../engine.ts'

/** Events whose id is `base` or begins `base:`, newest received first. */
export function identifyEventsFrom(_d: Dialect, base: string): Query {
  // a prefix match by substr, not LIKE: customer ids may hold % and _
  return {
    sql: `SELECT event_id FROM events
WHERE event_id = $1 OR substr(event_id, 1, length($1) + 1) = $1 || ':'
ORDER BY received_at DESC, event_id DESC`,
    params: [base],
  }
}
