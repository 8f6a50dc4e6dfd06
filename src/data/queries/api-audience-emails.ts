// Emails of one tier's customers for an ad-platform audience (hashed in JS by core/ops/audiences).
import type { Dialect, Query } from '../engine.ts'

export function audienceEmails(_dialect: Dialect, tierName: string): Query {
  return {
    sql: `SELECT customer_id, email FROM customer_profile
WHERE tier_name = $1 AND email IS NOT NULL ORDER BY customer_id`,
    params: [tierName],
  }
}
