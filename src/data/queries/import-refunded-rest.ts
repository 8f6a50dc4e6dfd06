// An order's own-row refund (`<order id>:refunded`, import-order-rows.ts: its refunded amount, or
// all of it when its status says refunded) says what was refunded of the order in all. A refund
// of the same order on a row of its own is part of that, not more: a WooCommerce export gives a
// full refund both as the order's status "refunded" and as a refund line of its own, and an
// earlier export may hold a partial refund that the later "refunded" completes. Added up, the order
// was refunded twice (revenue 50 - 50 - 50). The own-row refund keeps only what the refund rows
// of the order leave; one they cover in full is no row at all (a row of 0 would read as an order).
import type { Dialect, Query } from '../engine.ts'

/**
 * UPDATE import_rows: each own-row refund less the order's other refunds, those of the file and
 * the stored ones the file does not bring again (so the same file imported twice subtracts them
 * once). Run after importRefundRekey, which gives a stored refund written another way its key.
 * TEMP table import_refund_covered (order_key): the own-row refunds the refund rows cover in
 * full, taken out of import_rows; a stored one of an earlier import leaves the store with the
 * withdrawn refunds, unnamed, since the refund is still there, on the refund rows.
 */
export function importRefundedRest(_d: Dialect): Query {
  return {
    sql: `UPDATE import_rows SET amount = -round(greatest(-import_rows.amount - s.other, 0), 9)
FROM (
  SELECT order_id, -sum(amount) AS other FROM (
    SELECT order_id, amount FROM import_rows r
    WHERE r.amount < 0 AND r.order_id IS NOT NULL AND starts_with(r.order_key, r.order_id || ':refund:')
    UNION ALL
    SELECT order_id, amount FROM orders o
    WHERE o.amount < 0 AND starts_with(o.order_key, o.order_id || ':refund:')
      AND o.order_id IN (SELECT order_id FROM import_rows WHERE order_key = order_id || ':refunded')
      AND NOT EXISTS (SELECT 1 FROM import_rows r WHERE r.order_key = o.order_key)
  ) GROUP BY order_id
) s
WHERE import_rows.order_key = import_rows.order_id || ':refunded' AND import_rows.order_id = s.order_id;
CREATE OR REPLACE TEMP TABLE import_refund_covered AS
SELECT order_key FROM import_rows WHERE order_key = order_id || ':refunded' AND amount = 0;
DELETE FROM import_rows WHERE order_key IN (SELECT order_key FROM import_refund_covered)`,
  }
}
