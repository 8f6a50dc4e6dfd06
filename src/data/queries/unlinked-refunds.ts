// Refund rows up to the as-of date that name no order of their customer (a file without order
// ids, or a credit note with an id of its own): the summary lowers revenue by them on no day
// (docs/summary.md), so a day refunded in full stays a purchase day. Analyze says how many, and
// how many fall on a day their customer bought, where that reading matters most.
import type { Dialect, Query } from '../engine.ts'
import { sqlDate, sqlIdent, toDecimal } from './customer-summary.ts'
import { isZeroRefundMark } from './import-order-rows.ts'

/**
 * One row: n (refund rows dated on or before `asOf`, marks of cancelled orders of 0 aside, naming
 * no order of their customer in `source`) and same_day (of them, those on a day the customer has
 * an order of more than 0 that the refunds naming it, dated by `asOf`, do not take back in full:
 * a day whose orders were refunded in full is no purchase day, and the note said it still was).
 */
export function unlinkedRefunds(_dialect: Dialect, args: { source?: string; asOf: string }): Query {
  const src = sqlIdent(args.source ?? 'orders')
  const asOf = `DATE '${sqlDate(args.asOf)}'`
  // summed as money: 0.3 refunded by 0.1 and 0.2 left 5.6e-17 of it as doubles
  const takenBack = `coalesce((SELECT sum(${toDecimal('x.amount', 38)}) FROM ${src} x
      WHERE x.customer_id = o.customer_id AND x.order_id = o.order_id AND x.amount < 0
        AND x.order_date <= ${asOf}), 0)`
  return {
    sql: `SELECT count(*) AS n,
  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ${src} o
    WHERE o.customer_id = r.customer_id AND o.order_date = r.order_date AND o.amount > 0
      AND (o.order_id IS NULL OR ${toDecimal('o.amount', 38)} + ${takenBack} > 0))) AS same_day
FROM ${src} r
WHERE r.amount < 0 AND NOT ${isZeroRefundMark('r.amount')}
  AND r.order_date <= ${asOf}
  AND (r.order_id IS NULL OR NOT EXISTS (SELECT 1 FROM ${src} o
    WHERE o.customer_id = r.customer_id AND o.order_id = r.order_id AND o.amount >= 0))`,
  }
}
