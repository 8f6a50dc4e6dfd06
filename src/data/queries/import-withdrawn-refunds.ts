// A refund that an earlier file made of an order's refunded amount or status (stored under the key
// `<order id>:refunded`, see import-order-rows.ts) is withdrawn when a later file's version of the
// order refunds nothing: a failed payment that the customer retried and paid, a cancellation undone.
// Kept, the order would stay netted to what the old export said. Only a file that states refunds
// (a refunded amount or status column) can withdraw one; a file without them says nothing of it.
import type { Dialect, Query } from '../engine.ts'
import { createTempTableAs } from './dialect-sql.ts'
import { isZeroRefundMark } from './import-order-rows.ts'

/** How many withdrawn refunds an import names (the count says the rest). */
export const WITHDRAWN_SHOWN = 5

/**
 * TEMP table import_withdrawn (order_key, order_id, amount, source_line, covered): the stored
 * refunds of the staged orders (`import_rows`) that the file no longer gives a refund row. Run
 * before the write, while `orders` holds them. `covered` (with args.covered, the table
 * import_refund_covered of import-refunded-rest.ts): the file still refunds it, on refund rows of
 * the order, so it is no withdrawn refund to name.
 */
export function importWithdrawnRefunds(d: Dialect, args: { covered: boolean }): Query {
  const covered = args.covered
    ? 'o.order_key IN (SELECT order_key FROM import_refund_covered)'
    : 'false'
  return {
    sql: `${createTempTableAs(d, 'import_withdrawn')}
SELECT o.order_key, coalesce(r.order_id, 'the order on line ' || CAST(r.source_line AS VARCHAR)) AS order_id,
  o.amount, r.source_line, ${covered} AS covered
FROM orders o JOIN import_rows r ON o.order_key = r.order_key || ':refunded'
WHERE o.order_key LIKE '%:refunded' AND r.amount >= 0
  -- the order's own row: keyed by its id, or by its content in a file without ids (a failed
  -- payment there took its row's key as its id, and its refund is keyed by it)
  AND (r.order_key = r.order_id OR r.order_id IS NULL)
  AND NOT EXISTS (SELECT 1 FROM import_rows s WHERE s.order_key = o.order_key)`,
  }
}

/**
 * One row: n withdrawn refunds, and the first {@link WITHDRAWN_SHOWN} in file order; rows: the
 * stored refunds leaving, those covered by refund rows too.
 */
export function withdrawnRefunds(_d: Dialect): Query {
  return {
    sql: `SELECT (SELECT count(*) FROM import_withdrawn WHERE NOT covered) AS n,
  (SELECT count(*) FROM import_withdrawn) AS rows,
  (SELECT string_agg(order_id || ' (' || CASE WHEN ${isZeroRefundMark('amount')} THEN 'an order of 0 no longer cancelled'
      ELSE regexp_replace(CAST(CAST(-amount AS DOUBLE) AS VARCHAR), '\\.0$', '') || ' refunded' END || ')', ', ' ORDER BY source_line, order_key)
   FROM (SELECT * FROM import_withdrawn WHERE NOT covered ORDER BY source_line, order_key LIMIT ${WITHDRAWN_SHOWN}) f) AS examples`,
  }
}

/** The withdrawn refunds leave the store (inside the import's transaction). */
export function deleteWithdrawnRefunds(_d: Dialect): Query {
  return {
    sql: 'DELETE FROM orders WHERE order_key IN (SELECT order_key FROM import_withdrawn)',
  }
}
