// The erasure markers of the workspace's `meta` table: each erased pseudonym with the time of its
// latest erasure (erase.ts writes them), for the tag of a customer back after an erasure.
import type { Dialect, Query } from '../engine.ts'

/** The prefix of an erasure marker's key: `erased:` + the pseudonym. */
export const ERASURE_MARKER = 'erased:'

/** Rows `key`, `value` (ISO 8601 time) of every erasure marker. */
export function erasureMarkers(_dialect: Dialect): Query {
  return { sql: `SELECT key, value FROM meta WHERE key LIKE '${ERASURE_MARKER}%'` }
}
