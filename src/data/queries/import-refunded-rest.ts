// An order's own-row refund (`<order id>:refunded`, import-order-rows.ts: its refunded amount, or
// all of it when its status says refunded) says what was refunded of the order in all. A refund
// of the same order on a row of its own is part of that, not more: a WooCommerce export gives a
// full refund both as the order's status "refunded" and as a refund line of its own, and an
// earlier export may hold a partial refund that the later "refunded" completes. Added up, the order
// was refunded twice (revenue 50 - 50 - 50). The own-row refund keeps only what the refund rows
// of the order leave; one they cover in full is no row at all (a row of 0 would read as an order).
import type { Dialect, Query } from '../engine.ts'
import { ORDER_COLUMNS } from './import-order-rows.ts'

const COLUMNS = ORDER_COLUMNS.join(', ')

/**
 * UPDATE import_rows: each own-row refund less the order's other refunds, those of the file and
 * the stored ones the file does not bring again (so the same file imported twice subtracts them
 * once); and a stored own-row refund less the new refund rows of its order, staged as an update.
 * Run after importRefundRekey, which gives a stored refund written another way its key.
 * TEMP table import_refund_covered (order_key): the own-row refunds the refund rows cover in
 * full, taken out of import_rows; a stored one leaves the store in the import's transaction
 * (deleteCoveredRefunds), unnamed, since the refund is still there, on the refund rows.
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
-- the other way round: a stored own-row refund whose order gets new refund rows here (a refund
-- file after the export that said "refunded") keeps what they leave of it, as an updated row
INSERT INTO import_rows (${COLUMNS})
SELECT ${ORDER_COLUMNS.map((c) => (c === 'amount' ? '-round(greatest(-o.amount - s.other, 0), 9)' : `o.${c}`)).join(', ')}
FROM orders o JOIN (
  SELECT order_id, -sum(amount) AS other FROM import_rows r
  WHERE r.amount < 0 AND r.order_id IS NOT NULL AND starts_with(r.order_key, r.order_id || ':refund:')
    AND NOT EXISTS (SELECT 1 FROM orders x WHERE x.order_key = r.order_key)
  GROUP BY order_id
) s ON o.order_key = s.order_id || ':refunded'
WHERE NOT EXISTS (SELECT 1 FROM import_rows r WHERE r.order_key = o.order_key);
CREATE OR REPLACE TEMP TABLE import_refund_covered AS
SELECT order_key FROM import_rows WHERE order_key = order_id || ':refunded' AND amount = 0;
DELETE FROM import_rows WHERE order_key IN (SELECT order_key FROM import_refund_covered)`,
  }
}

/** The stored own-row refunds the file's refund rows cover in full leave the store. */
export function deleteCoveredRefunds(_d: Dialect): Query {
  return {
    sql: 'DELETE FROM orders WHERE order_key IN (SELECT order_key FROM import_refund_covered)',
  }
}

/** How many stored rows {@link deleteCoveredRefunds} removes (n). */
export function coveredStoredCount(_d: Dialect): Query {
  return {
    sql: 'SELECT count(*) AS n FROM import_refund_covered c SEMI JOIN orders o ON o.order_key = c.order_key',
  }
}
