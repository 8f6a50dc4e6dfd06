// Referrals of a file that name one customer as both referrer and referred (someone using their
// own code). They are stored, and the value step leaves them out (docs/value.md); the import says
// so, since until then only the analysis' count (selfReferrals) showed them.
import type { Dialect, Query } from '../engine.ts'

/**
 * One row over the staged referral rows `rows` (referrer_id, referred_id, source_line): n (how
 * many name one customer twice) and examples (up to 3 'id (line N)' texts, file order).
 */
export function importSelfReferrals(_d: Dialect, args: { rows: string }): Query {
  return {
    sql: `SELECT count(*) AS n,
  (SELECT string_agg(referrer_id || ' (line ' || source_line || ')', ', ' ORDER BY source_line)
   FROM (SELECT referrer_id, source_line FROM ${args.rows}
     WHERE referrer_id = referred_id ORDER BY source_line LIMIT 3)) AS examples
FROM ${args.rows} WHERE referrer_id = referred_id`,
  }
}
