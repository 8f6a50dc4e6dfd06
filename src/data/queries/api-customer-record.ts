// A customer the workspace knows without a profile: one imported from a customers file, or only
// from imported value inputs (engagement, tickets, surveys, referrals, returns), or with orders
// not scored yet. The reads and erasure must find them as they find a customer with a profile.
import type { Dialect, Query } from '../engine.ts'
import { jsonKeyList } from './api-delete-keys.ts'
import { CONNECTION_COLUMNS, connectionJoins } from './api-refit-aggregates.ts'

/**
 * One row: `known`, `has_orders` (orders the refit has not scored yet, when there is no profile),
 * the email, name, sign-up and marketing consent (`imported_consent`) of the customers row (NULL
 * without one), and the stored signs of connection ({@link CONNECTION_COLUMNS}).
 */
export function customerRecord(_dialect: Dialect, customerId: string): Query {
  return {
    sql: `SELECT c.email, c.name, c.signup_at, c.marketing_consent AS imported_consent,
  ${CONNECTION_COLUMNS},
  EXISTS (SELECT 1 FROM orders WHERE customer_id = $1) AS has_orders,
  c.customer_id IS NOT NULL
  OR EXISTS (SELECT 1 FROM orders WHERE customer_id = $1)
  OR EXISTS (SELECT 1 FROM engagement_events WHERE customer_id = $1)
  OR EXISTS (SELECT 1 FROM tickets WHERE customer_id = $1)
  OR EXISTS (SELECT 1 FROM survey_responses WHERE customer_id = $1)
  OR EXISTS (SELECT 1 FROM referrals WHERE referrer_id = $1 OR referred_id = $1)
  OR EXISTS (SELECT 1 FROM returns WHERE customer_id = $1) AS known
FROM (SELECT CAST($1 AS VARCHAR) AS customer_id) k
LEFT JOIN (SELECT customer_id, email, name, signup_at, marketing_consent FROM customers
  WHERE customer_id = $1 LIMIT 1) c ON true${connectionJoins('k', 'SELECT CAST($1 AS VARCHAR)')}`,
    params: [customerId],
  }
}

/**
 * The customers rows (NULLs without one) and stored signs of connection of `ids`, one row per id,
 * as {@link customerRecord} gives them for one: what a profile first made by an event starts from.
 */
export function customerRecords(dialect: Dialect, ids: readonly string[]): Query {
  const keys = 'SELECT customer_id FROM k'
  return {
    sql: `WITH k AS (SELECT DISTINCT customer_id FROM (${jsonKeyList(dialect)}) AS ids(customer_id))
SELECT k.customer_id, c.email, c.name, c.signup_at, c.marketing_consent AS imported_consent,
  ${CONNECTION_COLUMNS}
FROM k
LEFT JOIN customers c ON c.customer_id = k.customer_id${connectionJoins('k', keys)}`,
    params: [JSON.stringify(ids)],
  }
}
