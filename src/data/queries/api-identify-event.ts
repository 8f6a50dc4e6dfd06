// The stored identify event a customer's traits came from: a direct customer's messageId is
// `customer:<id>:<content hash>`, with `:<revision>` when other traits were held before
// (customerAsEvent), so a retry answers with the id its first call was stored under.
import type { Dialect, Query } from '../engine.ts'

/** The latest event whose id is `base` or `base:<revision>`, newest received first. */
export function latestIdentifyEvent(_d: Dialect, base: string): Query {
  // a prefix match by substr, not LIKE: customer ids may hold % and _
  return {
    sql: `SELECT event_id FROM events
WHERE event_id = $1 OR substr(event_id, 1, length($1) + 1) = $1 || ':'
ORDER BY received_at DESC, event_id DESC LIMIT 1`,
    params: [base],
  }
}
