// Every customer GET /v1/customers/{id} knows, keyset-paged on customer_id (stable under inserts,
// no OFFSET): the profiles, and the customers known only from imported rows (a customers file,
// value inputs) with no order, who have no profile until they order. A customer whose orders the
// refit has not scored yet is left out, as the lookup leaves them out.
import type { Dialect, Query } from '../engine.ts'
import { connectionJoins } from './api-refit-aggregates.ts'
import { byteOrder } from './dialect-sql.ts'

export interface CustomersListArgs {
  readonly tierName?: string
  readonly segment?: string
  /** Return customers after this id. */
  readonly after?: string
  readonly limit: number
}

/** The tables that make a customer known without a profile, and their customer id column. */
const KNOWN_BY: readonly (readonly [string, string])[] = [
  ['customers', 'customer_id'],
  ['engagement_events', 'customer_id'],
  ['tickets', 'customer_id'],
  ['survey_responses', 'customer_id'],
  ['referrals', 'referrer_id'],
  ['referrals', 'referred_id'],
  ['returns', 'customer_id'],
]

/**
 * Rows of customer_profile (all columns; NULL for a customer without a profile) with `listed_id`,
 * the customers row's `record_email`, `record_name`, `record_signup_at` and `record_consent`, and
 * the stored signs of connection (`record_referrals`, `record_reviews`, `record_nps`,
 * `record_ces`: what the profile of a customer without one shows), in customer id order,
 * `limit` + 1 of them (the last one says there is a next page). A tier or segment filter lists
 * profiles only: a customer without orders has neither.
 */
export function customersList(dialect: Dialect, a: CustomersListArgs): Query {
  // DuckDB's byte order on PostgreSQL too, whatever the database's collation: pages and their
  // order are the same on both stores
  const id = (col: string) => byteOrder(dialect, col)
  const params: unknown[] = []
  const param = (v: unknown) => {
    params.push(v)
    return `$${params.length}`
  }
  const filters = [
    ...(a.tierName === undefined ? [] : [`tier_name = ${param(a.tierName)}`]),
    ...(a.segment === undefined ? [] : [`segment = ${param(a.segment)}`]),
  ]
  const from = a.after === undefined ? null : param(a.after)
  const after = (col: string) => (from === null ? 'true' : `${id(col)} > ${from}`)
  const profiles = `SELECT customer_id FROM customer_profile WHERE ${[...filters, after('customer_id')].join(' AND ')}`
  const records = KNOWN_BY.map(
    ([table, col]) =>
      `SELECT ${col} AS customer_id FROM ${table} WHERE ${col} IS NOT NULL AND ${after(col)}`,
  ).join('\n  UNION ')
  const known =
    filters.length > 0
      ? profiles
      : `${profiles}
UNION SELECT r.customer_id FROM (
  ${records}
) r WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = r.customer_id)`
  const limit = Math.max(1, Math.min(1000, Math.floor(a.limit))) + 1
  // the page's customers without a profile: only theirs are counted
  const unprofiled =
    'SELECT customer_id FROM k WHERE NOT EXISTS (SELECT 1 FROM customer_profile q WHERE q.customer_id = k.customer_id)'
  return {
    sql: `WITH k AS (SELECT customer_id FROM (${known}) u ORDER BY ${id('customer_id')} LIMIT ${limit})
SELECT p.*, k.customer_id AS listed_id, c.email AS record_email, c.name AS record_name,
  c.signup_at AS record_signup_at, c.marketing_consent AS record_consent,
  coalesce(rf.referrals, 0) AS record_referrals, coalesce(rv.reviews, 0) AS record_reviews,
  sv.nps AS record_nps, sv.ces AS record_ces
FROM k
LEFT JOIN customer_profile p ON p.customer_id = k.customer_id
LEFT JOIN customers c ON c.customer_id = k.customer_id${connectionJoins('k', unprofiled)}
ORDER BY ${id('k.customer_id')}`,
    params,
  }
}
