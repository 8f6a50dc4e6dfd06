// The customers the value step scores, numbered 0..N-1 so every per-customer array in JS lines up:
// first the analysed buyers (idx < buyers), then anyone else named in a referral up to the as-of
// date (a referred customer who never bought still links a referrer to the customers they brought).
import type { Dialect, Query } from '../engine.ts'
import { sqlDate, sqlIdent } from './customer-summary.ts'

/** SQL: the referrals known at the as-of date, by their local day (undated ones count). */
export const knownReferrals = (asOf: string): string =>
  `(SELECT * FROM referrals WHERE referred_date IS NULL OR referred_date <= DATE '${sqlDate(asOf)}')`

/** CREATE TEMP TABLE value_nodes (idx INTEGER, customer_id, buyer BOOLEAN). */
export function valueNodes(d: Dialect, args: { analysis: string; asOf: string }): Query {
  const a = sqlIdent(args.analysis)
  const refs = knownReferrals(args.asOf)
  // DuckDB: idx = rowid, so results written in idx order line up with the table (positional join)
  const idx = d === 'duckdb' ? 'rowid' : 'row_number() OVER () - 1'
  return {
    sql: `CREATE OR REPLACE TEMP TABLE value_nodes AS
WITH buyers AS (
  SELECT CAST(${idx} AS INTEGER) AS idx, customer_id FROM ${a}
), others AS (
  SELECT id AS customer_id FROM (
    SELECT referrer_id AS id FROM ${refs} r1 UNION SELECT referred_id FROM ${refs} r2
  ) ids
  WHERE NOT EXISTS (SELECT 1 FROM buyers b WHERE b.customer_id = ids.id)
)
SELECT idx, customer_id, true AS buyer FROM buyers
UNION ALL
SELECT CAST((SELECT count(*) FROM buyers) + row_number() OVER (ORDER BY customer_id) - 1 AS INTEGER),
  customer_id, false FROM others`,
  }
}
