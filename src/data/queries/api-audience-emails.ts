// Emails of one tier's customers for an ad-platform audience (hashed in JS by core/ops/audiences).
// An ad audience is marketing: a customer without marketing consent (their own word, else their
// customers file's) is left out, as their marketing messages are held back (service/ops/consent.ts).
import type { Dialect, Query } from '../engine.ts'
import { byteOrder } from './dialect-sql.ts'

export function audienceEmails(dialect: Dialect, tierName: string): Query {
  return {
    sql: `SELECT customer_id, email FROM customer_profile
WHERE tier_name = $1 AND email IS NOT NULL
  AND coalesce(marketing_consent, imported_consent, true)
ORDER BY ${byteOrder(dialect, 'customer_id')}`,
    params: [tierName],
  }
}
