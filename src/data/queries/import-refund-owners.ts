// An order that a later import gives to another customer takes its refund rows with it: a refund
// is netted into its order by (customer, order id), so left with the old customer it would lower
// their revenue for an order they no longer have, and the order would stay unrefunded.
import type { Dialect, Query } from '../engine.ts'
import { createTempTableAs } from './dialect-sql.ts'

/**
 * TEMP table import_moved (order_id, old_customer, new_customer): the stored orders whose
 * customer the write set `import_write` changes. Run before the write set is applied.
 */
export function importMovedOrders(d: Dialect): Query {
  return {
    sql: `${createTempTableAs(d, 'import_moved')}
SELECT DISTINCT w.order_id, o.customer_id AS old_customer, w.customer_id AS new_customer
FROM import_write w JOIN orders o ON o.order_key = w.order_key
WHERE NOT w.__new AND w.order_id IS NOT NULL AND w.amount >= 0 AND o.amount >= 0
  AND o.customer_id <> w.customer_id`,
  }
}

/** How many stored refunds {@link moveRefunds} moves: one row, n. */
export function movedRefundCount(_d: Dialect): Query {
  return {
    sql: `SELECT count(*) AS n FROM orders o JOIN import_moved m
  ON o.order_id = m.order_id AND o.customer_id = m.old_customer WHERE o.amount < 0`,
  }
}

/** The stored refunds of the moved orders go to the orders' new customer. */
export function moveRefunds(_d: Dialect): Query {
  return {
    sql: `UPDATE orders SET customer_id = m.new_customer
FROM import_moved m
WHERE orders.order_id = m.order_id AND orders.customer_id = m.old_customer AND orders.amount < 0`,
  }
}
