// Does the workspace know this customer at all (an order or a customer record)? And whom they
// referred, for a referrer the workspace knows only from the referrals.
import type { Dialect, Query } from '../engine.ts'

export function customerKnown(_d: Dialect, args: { customerId: string }): Query {
  return {
    sql: `SELECT (SELECT count(*) FROM (SELECT 1 FROM orders WHERE customer_id = $1 LIMIT 1) o) AS orders,
  (SELECT count(*) FROM (SELECT 1 FROM customers WHERE customer_id = $1 LIMIT 1) c) AS records,
  (SELECT count(DISTINCT referred_id) FROM referrals WHERE referrer_id = $1) AS referred,
  (SELECT string_agg(referred_id, ', ' ORDER BY referred_id)
   FROM (SELECT DISTINCT referred_id FROM referrals WHERE referrer_id = $1 ORDER BY referred_id LIMIT 3) r)
    AS referred_ids`,
    params: [args.customerId],
  }
}
