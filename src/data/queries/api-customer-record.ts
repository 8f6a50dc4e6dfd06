// A customer the workspace knows without a profile: one imported from a customers file, or only
// from imported value inputs (engagement, tickets, surveys, referrals, returns), or with orders
// not scored yet. The reads and erasure must find them as they find a customer with a profile.
import type { Dialect, Query } from '../engine.ts'

/**
 * One row: `known`, `has_orders` (orders the refit has not scored yet, when there is no profile),
 * and the email, name and sign-up of the customers row (NULL without one).
 */
export function customerRecord(_dialect: Dialect, customerId: string): Query {
  return {
    sql: `SELECT c.email, c.name, c.signup_at,
  EXISTS (SELECT 1 FROM orders WHERE customer_id = $1) AS has_orders,
  c.customer_id IS NOT NULL
  OR EXISTS (SELECT 1 FROM orders WHERE customer_id = $1)
  OR EXISTS (SELECT 1 FROM engagement_events WHERE customer_id = $1)
  OR EXISTS (SELECT 1 FROM tickets WHERE customer_id = $1)
  OR EXISTS (SELECT 1 FROM survey_responses WHERE customer_id = $1)
  OR EXISTS (SELECT 1 FROM referrals WHERE referrer_id = $1 OR referred_id = $1)
  OR EXISTS (SELECT 1 FROM returns WHERE customer_id = $1) AS known
FROM (SELECT 1 AS one) k
LEFT JOIN (SELECT customer_id, email, name, signup_at FROM customers WHERE customer_id = $1 LIMIT 1) c
  ON true`,
    params: [customerId],
  }
}
