// Referral edges known at the as-of date as customer indices, earliest first and in input order
// within a day, so "the first referral wins" is decided the same way on every run.
import type { Dialect, Query } from '../engine.ts'
import { knownReferrals } from './value-nodes.ts'

/** Rows (referrer, referred, day): day = days since 1970-01-01 of the referral, NULL undated. */
export function valueReferralEdges(_d: Dialect, args: { asOf: string }): Query {
  return {
    sql: `SELECT CAST(a.idx AS DOUBLE PRECISION) AS referrer, CAST(b.idx AS DOUBLE PRECISION) AS referred,
  CAST(r.referred_date - DATE '1970-01-01' AS DOUBLE PRECISION) AS day
FROM ${knownReferrals(args.asOf)} r
JOIN value_nodes a ON a.customer_id = r.referrer_id
JOIN value_nodes b ON b.customer_id = r.referred_id
ORDER BY r.referred_at NULLS LAST, r.source, r.source_line`,
  }
}
