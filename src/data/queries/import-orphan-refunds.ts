// With --skip-bad-rows, a refund row whose order's own row is rejected would be stored alone and
// take back revenue the store never had; it is left out with the order instead. An order that
// keeps a good row in the file, or is stored already, keeps its refunds.
import type { Dialect, Query } from '../engine.ts'
import { firstBadLineOfOrders } from './import-line-siblings.ts'
import { LINE } from './import-stage.ts'

/**
 * INSERT INTO import_problems a row for every good refund row (amount < 0) of an order id that has
 * a bad row in the file and no good row of its own (amount >= 0) in the file or, with `stored`,
 * in the orders table, naming the first bad row. `header`: the amount column, for the rejects.
 */
export function importOrphanRefunds(
  _d: Dialect,
  args: { header: string | null; stored: boolean },
): Query {
  const col =
    args.header === null ? 'CAST(NULL AS VARCHAR)' : `'${args.header.replaceAll("'", "''")}'`
  const storedOrder = args.stored
    ? `AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.order_id = t.order_id AND o.amount >= 0)`
    : ''
  return {
    sql: `INSERT INTO import_problems
SELECT t.${LINE}, ${col}, 'a refund of order ' || t.order_id || ', whose own row (line ' || b.first_bad || ') is rejected: left out with it'
FROM import_typed t
JOIN (${firstBadLineOfOrders('import_typed')}) b ON b.order_id = t.order_id
WHERE t.amount < 0 AND t.${LINE} NOT IN (SELECT line FROM import_problems)
  AND NOT EXISTS (SELECT 1 FROM import_typed g WHERE g.order_id = t.order_id AND g.amount >= 0
    AND g.${LINE} NOT IN (SELECT line FROM import_problems))
  ${storedOrder}`,
  }
}
