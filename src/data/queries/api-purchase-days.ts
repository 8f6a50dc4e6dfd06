// The days customers bought on, from their stored orders kept (refunds are no purchase, and an
// order refunded in full has no day of its own, as the refit counts it): the live profile counts an order's day as a new purchase day only when none of these is it, so an order
// arriving out of time order, or on a local day another UTC day holds, counts as a refit counts.
import type { Dialect, Query } from '../engine.ts'
import { jsonKeyList } from './api-delete-keys.ts'
import { keptOrders } from './api-refit-aggregates.ts'

/** Rows (customer_id, order_date 'YYYY-MM-DD'), one per customer and purchase day. */
export function purchaseDays(dialect: Dialect, customers: readonly string[]): Query {
  return {
    // to_char on PostgreSQL: a cast to text follows the session's DateStyle (10/03/2024 under
    // SQL, DMY), which would match no YYYY-MM-DD day
    sql: `SELECT DISTINCT customer_id, ${dialect === 'postgres' ? "to_char(order_date, 'YYYY-MM-DD')" : 'CAST(order_date AS VARCHAR)'} AS order_date
FROM (${keptOrders(`WHERE o.customer_id IN (${jsonKeyList(dialect)})`)}) o WHERE kept`,
    params: [JSON.stringify(customers)],
  }
}
