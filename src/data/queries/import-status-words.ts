// The status words of an orders or order-lines file that say neither "never paid / paid back"
// (such an order is stored refunded) nor one of the known words of a paid order: "Returned",
// "Fraud", "Disputed" ... count as purchases, and the import says so rather than leave it unseen.
import type { Dialect, Query } from '../engine.ts'
import { ident, lit } from './import-stage.ts'

/**
 * Up to `limit` rows (status, n, rows, kinds), most frequent first: each status value of the
 * column `status` of `source` (trimmed, as written) whose lower-case, accent-free form matches
 * neither `unpaid` nor `paid` (regular expressions over the whole value), with its row count;
 * `rows` and `kinds` are the totals over all such values (the same on every row). Grouped
 * before the words are matched: a file has few status values and many rows.
 */
export function importStatusWords(
  _d: Dialect,
  args: { source: string; status: string; unpaid: string; paid: string; limit: number },
): Query {
  const word = 'strip_accents(lower(status))'
  return {
    sql: `WITH g AS (
  SELECT status, count(*) AS n
  FROM (SELECT nullif(trim(CAST(${ident(args.status)} AS VARCHAR)), '') AS status FROM ${args.source})
  WHERE status IS NOT NULL
  GROUP BY status
),
u AS (
  SELECT status, n FROM g
  WHERE NOT regexp_full_match(${word}, ${lit(args.unpaid)})
    AND NOT regexp_full_match(${word}, ${lit(args.paid)})
)
SELECT status, n, sum(n) OVER () AS rows, count(*) OVER () AS kinds
FROM u ORDER BY n DESC, status LIMIT ${Math.max(1, Math.trunc(args.limit))}`,
  }
}
