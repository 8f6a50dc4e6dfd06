// The forwarded imports whose held batches name a customer being erased: their calls were sent
// before the erasure and, committed after it, would bring the customer back under their id. An
// email (api-erase-mentions.ts) names them anywhere, in any case; an id only as a call's userId
// (an order id "42" in another customer's call is no mention of customer 42).
import type { Dialect, Query } from '../engine.ts'
import { caseless, likeEscape, type Mention, matches } from './api-erase-mentions.ts'

/** SELECT DISTINCT import_id of the held batches that hold any of `mentions`. */
export function stagedNaming(dialect: Dialect, mentions: readonly Mention[]): Query {
  const params = mentions.map((m) =>
    // an email in any case by a pattern (PostgreSQL's ILIKE folds ASCII only under LC_CTYPE C);
    // the batch is JSON.stringify of the calls: no space after the colon
    m.anywhere ? caseless(m.text) : `%${likeEscape(`"userId":${JSON.stringify(m.text)}`)}%`,
  )
  const any = mentions
    .map((m, i) =>
      m.anywhere ? matches(dialect, 'payload', `$${i + 1}`) : `payload LIKE $${i + 1} ESCAPE '\\'`,
    )
    .join(' OR ')
  return {
    sql: `SELECT DISTINCT import_id FROM import_staging WHERE ${any || 'false'} ORDER BY import_id`,
    params,
  }
}
