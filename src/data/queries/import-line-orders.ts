// An orders file of line items (one row per product bought, no order total) as orders: the
// validated lines of each order id summed into one order row, in the column layout of
// `import_typed`, so the orders path (keys, refunds, upserts) takes it as it takes any file.
import type { Dialect, Query } from '../engine.ts'
import { goodRows } from './import-order-rows.ts'
import { LINE } from './import-stage.ts'

/**
 * CREATE TEMP TABLE import_line_orders: per order id (a line without one is an order of its own),
 * __line = its first line, the customer and time of that line, amount = Σ quantity × unit price,
 * quantity = Σ quantity, cost, margin and discount summed, currency, channel and campaign of the
 * first line. With `lineTotal` the price column is each line's total (amount = Σ price). A cancelled invoice (negative quantities) sums to a negative amount: a refund. With
 * `unpaid`, the lines whose status says cancelled, refunded ... are the order's refunded amount.
 */
export function importLineOrders(
  _d: Dialect,
  args: { hasProblems: boolean; unpaid?: boolean; lineTotal?: boolean },
): Query {
  const first = (c: string) => `arg_min(${c}, ${LINE}) AS ${c}`
  const line = args.lineTotal ? 'unit_price' : 'quantity * unit_price'
  // refunded: the lines whose status says unpaid (the `unpaid` field), stored as the order's refund
  const refunded = args.unpaid
    ? `round(sum(${line}) FILTER (WHERE unpaid IS NOT NULL), 9)`
    : 'CAST(NULL AS DOUBLE)'
  return {
    sql: `CREATE OR REPLACE TEMP TABLE import_line_orders AS
SELECT min(${LINE}) AS ${LINE}, order_id, ${first('customer_id')}, ${first('ordered_at')},
  -- rounded: a sum of float products (3 x 2.55) carries noise in its last bits
  round(sum(${line}), 9) AS amount, ${refunded} AS refunded,
  ${first('currency')}, sum(quantity) AS quantity, sum(cost) AS cost, sum(margin) AS margin,
  sum(discount) AS discount, ${first('channel')}, ${first('campaign')}
FROM (${goodRows(args.hasProblems)})
GROUP BY order_id, CASE WHEN order_id IS NULL THEN ${LINE} END`,
  }
}
