// The customers the value step cannot value, with what they cost to serve: their rows up to the
// as-of date hold no purchase day (orders refunded in full; customers-without-purchase.ts), so
// the analysis has no row for them, yet their support tickets and returns were real work.
import type { Dialect, Query } from '../engine.ts'
import { sqlDate, sqlIdent } from './customer-summary.ts'
import { withoutPurchaseRows } from './customers-without-purchase.ts'
import { returnsByCustomer, ticketsByCustomer } from './value-facts.ts'

/**
 * Rows (customer_id, tickets, ticket_minutes, returns, return_amount), in customer id order: the
 * customers with money rows up to `asOf` but no row in `analysis` (the ones analyze warns of as
 * having no purchase day) that opened a ticket or made a return by then, counted as value_facts
 * counts them for the analysed customers.
 */
export function valueUnvalued(_d: Dialect, args: { analysis: string; asOf: string }): Query {
  const analysis = sqlIdent(args.analysis)
  const asOf = `DATE '${sqlDate(args.asOf)}'`
  return {
    sql: `WITH outside AS (${withoutPurchaseRows('orders', analysis, asOf)})
SELECT c.customer_id,
  CAST(coalesce(t.tickets, 0) AS DOUBLE PRECISION) AS tickets,
  CAST(coalesce(t.minutes, 0) AS DOUBLE PRECISION) AS ticket_minutes,
  CAST(coalesce(r.returns, 0) AS DOUBLE PRECISION) AS returns,
  CAST(coalesce(r.amount, 0) AS DOUBLE PRECISION) AS return_amount
FROM outside c
LEFT JOIN (${ticketsByCustomer(asOf)}) t ON t.customer_id = c.customer_id
LEFT JOIN (${returnsByCustomer(asOf)}) r ON r.customer_id = c.customer_id
WHERE t.tickets > 0 OR r.returns > 0
ORDER BY c.customer_id`,
  }
}
