// Refunds that cannot be what they say: more refunded than the order was paid (all its refunds
// together, stored ones included), or a refund dated before the order it refunds. Usually a wrong
// sign or column, or a refund filed under the wrong order id. Stored as given (the summary caps
// nothing); the importer says so, as it does for returns worth more than their order.
import type { Dialect, Query } from '../engine.ts'

// the import's orders that have refunds stored (a later export lowering an order's amount under
// what a refund file took back, or moving it after the refund's day)
const REFUNDED = `order_id IN (SELECT order_id FROM orders WHERE amount < 0 AND order_id IS NOT NULL)`

/**
 * Orders whose refunds the staged `import_rows` bring, or whose rows it brings beside stored
 * refunds (after the write: with the stored rows of `orders`), that are refunded by more than paid
 * (`over`) or refunded before their own day (`early`): the first 3 of each in file order
 * (order_id, line, refunded, paid, days_before), each with n, how many orders of that problem
 * there are in all.
 */
export function importRefundsSuspect(_d: Dialect): Query {
  return {
    sql: `WITH touched AS (
  -- named by the file's refund line, else by the order's own line
  SELECT order_id, coalesce(min(source_line) FILTER (WHERE amount < 0), min(source_line)) AS line
  FROM import_rows
  WHERE order_id IS NOT NULL AND (amount < 0 OR ${REFUNDED}) GROUP BY 1
), per_order AS (
  SELECT o.order_id,
    sum(o.amount) FILTER (WHERE o.amount >= 0) AS paid,
    -sum(o.amount) FILTER (WHERE o.amount < 0) AS refunded,
    min(o.order_date) FILTER (WHERE o.amount >= 0) AS ordered,
    min(o.order_date) FILTER (WHERE o.amount < 0) AS first_refund
  FROM orders o WHERE o.order_id IN (SELECT order_id FROM touched) GROUP BY 1
), flagged AS (
  SELECT t.order_id, t.line, p.refunded, p.paid,
    CAST(p.ordered - p.first_refund AS INTEGER) AS days_before,
    -- half a cent of rounding is no excess
    CASE WHEN p.refunded > p.paid + 0.005 THEN 'over' ELSE 'early' END AS problem
  FROM touched t JOIN per_order p ON p.order_id = t.order_id
  WHERE p.paid IS NOT NULL AND (p.refunded > p.paid + 0.005 OR p.first_refund < p.ordered)
)
SELECT problem, order_id, line, refunded, paid, days_before, n FROM (
  SELECT *, count(*) OVER (PARTITION BY problem) AS n,
    row_number() OVER (PARTITION BY problem ORDER BY line) AS k
  FROM flagged
) WHERE k <= 3 ORDER BY problem, line`,
  }
}

/** n: 1 when the staged import brings orders that have refunds stored (after the write), else 0. */
export function importTouchesRefunded(_d: Dialect): Query {
  return {
    sql: `SELECT count(*) AS n FROM (
  SELECT 1 FROM import_rows WHERE amount >= 0 AND order_id IS NOT NULL AND ${REFUNDED} LIMIT 1
) t`,
  }
}
