// Line items left out with --skip-bad-rows take their whole order with them: an order stored
// without one of its lines would be stored at the wrong amount, and the good lines of an order
// whose lines a file carries would replace its stored lines with a partial set.
import type { Dialect, Query } from '../engine.ts'
import { LINE } from './import-stage.ts'

/**
 * INSERT INTO import_problems a row for every good line of an order that has a bad line, naming
 * the first bad one, so the order is rejected whole and its lines all reach the rejects file.
 * `rawOrder`: the order id as SQL over `import_raw`, for a file whose validated rows
 * (`import_typed`) are not all its lines (a Shopify export types an order's first row only, and
 * checks its other lines' items in `import_raw`); else the lines are `import_typed`'s.
 */
/**
 * Each order id with a bad row among `lines` (a table or subquery with LINE and order_id) and its
 * first bad line: `SELECT order_id, first_bad`.
 */
export function firstBadLineOfOrders(lines: string): string {
  return `SELECT t.order_id, min(p.line) AS first_bad
  FROM import_problems p JOIN ${lines} t ON t.${LINE} = p.line
  WHERE t.order_id IS NOT NULL GROUP BY 1`
}

export function importLineSiblings(
  _d: Dialect,
  args: { header: string | null; rawOrder?: string },
): Query {
  const col =
    args.header === null ? 'CAST(NULL AS VARCHAR)' : `'${args.header.replaceAll("'", "''")}'`
  const lines = args.rawOrder
    ? `(SELECT ${LINE}, ${args.rawOrder} AS order_id FROM import_raw)`
    : 'import_typed'
  return {
    sql: `INSERT INTO import_problems
SELECT t.${LINE}, ${col}, 'order ' || t.order_id || ' is left out with its bad line ' || b.first_bad
FROM ${lines} t
JOIN (${firstBadLineOfOrders(lines)}) b ON b.order_id = t.order_id
WHERE t.${LINE} NOT IN (SELECT line FROM import_problems)`,
  }
}
