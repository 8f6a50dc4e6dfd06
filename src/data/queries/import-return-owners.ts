import type { Dialect, Query } from '../engine.ts'

/**
 * Returns of the staged `rows` that name a customer other than the one whose order they return:
 * columns n and examples (up to 3 'order (line N)' texts, file order). The return counts toward
 * the customer it names; the import says so, since one of the two files is likely wrong.
 */
export function importReturnOwners(_d: Dialect, args: { rows: string }): Query {
  return {
    sql: `WITH other AS (
  SELECT r.order_id, r.source_line FROM ${args.rows} r
  WHERE r.customer_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM orders o WHERE o.order_id = r.order_id AND o.customer_id <> r.customer_id)
  AND NOT EXISTS (
    SELECT 1 FROM orders o WHERE o.order_id = r.order_id AND o.customer_id = r.customer_id)
)
SELECT count(*) AS n,
  (SELECT string_agg(order_id || ' (line ' || source_line || ')', ', ' ORDER BY source_line)
   FROM (SELECT * FROM other ORDER BY source_line LIMIT 3) few) AS examples
FROM other`,
  }
}
