// Line items left out with --skip-bad-rows take their whole order with them: an order stored
// without one of its lines would be stored at the wrong amount.
import type { Dialect, Query } from '../engine.ts'
import { LINE } from './import-stage.ts'

/**
 * INSERT INTO import_problems a row for every good line of an order that has a bad line, naming
 * the first bad one, so the order is rejected whole and its lines all reach the rejects file.
 */
export function importLineSiblings(_d: Dialect, args: { header: string | null }): Query {
  const col =
    args.header === null ? 'CAST(NULL AS VARCHAR)' : `'${args.header.replaceAll("'", "''")}'`
  return {
    sql: `INSERT INTO import_problems
SELECT t.${LINE}, ${col}, 'order ' || t.order_id || ' is left out with its bad line ' || b.first_bad
FROM import_typed t
JOIN (
  SELECT t.order_id, min(p.line) AS first_bad
  FROM import_problems p JOIN import_typed t ON t.${LINE} = p.line
  WHERE t.order_id IS NOT NULL GROUP BY 1
) b ON b.order_id = t.order_id
WHERE t.${LINE} NOT IN (SELECT line FROM import_problems)`,
  }
}
