// Rows of a file that repeat an earlier row of it exactly (the same key and content, as an export
// run twice into one file leaves them): stored once, and named so the user knows why fewer rows
// were stored than read (a row with the same key and other content is a bad row instead).
import type { Dialect, Query } from '../engine.ts'
import { goodRows } from './import-order-rows.ts'
import { LINE } from './import-stage.ts'

/**
 * `SELECT line, k, first_line, n`: the first `limit` rows (in file order) whose key, one of
 * `import_dupkeys`, was on an earlier good row of the file (`first_line`), and `n` of all such rows.
 * `key`: the key column of `import_typed` (quoted); `scope`: the rows the key is unique among (an
 * order's refund rows repeat its id on purpose).
 */
export function importRepeatedRows(
  _d: Dialect,
  args: { key: string; scope: string; hasProblems: boolean; limit: number },
): Query {
  return {
    sql: `SELECT line, k, first_line, count(*) OVER () AS n FROM (
  SELECT ${LINE} AS line, CAST(${args.key} AS VARCHAR) AS k,
    min(${LINE}) OVER (PARTITION BY ${args.key}) AS first_line
  FROM (${goodRows(args.hasProblems)}) g
  WHERE ${args.scope} AND ${args.key} IN (SELECT k FROM import_dupkeys)
) r
WHERE line > first_line
ORDER BY line
LIMIT ${Math.max(1, Math.trunc(args.limit))}`,
  }
}
