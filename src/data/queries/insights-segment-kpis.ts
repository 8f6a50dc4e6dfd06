// Service and satisfaction KPIs overall, by RFM segment and by tier, from the optional tables (surveys,
// tickets, returns). Scores come back as grouped counts (group, score, n), never per response.
import type { Dialect, Query } from '../engine.ts'
import { sqlDate, sqlIdent } from './customer-summary.ts'
import { INSIGHTS_BASE } from './insights-base.ts'
import { refundedInFull } from './value-facts.ts'

// every analysed customer together first (the company's NPS, CES ... as a whole), then by RFM
// segment and by tier
const groups = (inner: string) => `
SELECT 'all' AS kind, 'all customers' AS grp, x.* EXCLUDE (customer_id)
FROM (${inner}) x JOIN ${INSIGHTS_BASE} b ON b.customer_id = x.customer_id
UNION ALL
SELECT 'segment', b.rfm_segment, x.* EXCLUDE (customer_id)
FROM (${inner}) x JOIN ${INSIGHTS_BASE} b ON b.customer_id = x.customer_id
UNION ALL
SELECT 'tier', b.tier, x.* EXCLUDE (customer_id)
FROM (${inner}) x JOIN ${INSIGHTS_BASE} b ON b.customer_id = x.customer_id
WHERE b.tier IS NOT NULL`

/** The survey answers of `args`: a `column` score (nps or ces), answered by the as-of date. */
export interface SurveyAnswers {
  readonly table: string
  readonly column: 'nps' | 'ces'
  /** The answer date column, or null when the table has none (every answer counts). */
  readonly dated: string | null
  readonly asOf: string
}

/** SQL: WHERE of the answers of `a` (in table alias `s`). */
export function surveyAnswered(a: SurveyAnswers): string {
  const when = a.dated ? `AND CAST(${a.dated} AS DATE) <= DATE '${sqlDate(a.asOf)}'` : ''
  return `WHERE s.${a.column} IS NOT NULL ${when}`
}

/**
 * Rows (kind, grp, score, n) of integer survey scores in `column` (nps or ces) up to asOf, from
 * `table` (survey_responses as imported). Responses without that score are left out, so other
 * questions on the same survey never count.
 */
export function insightsSurveyScores(_dialect: Dialect, args: SurveyAnswers): Query {
  const inner = `SELECT s.customer_id, CAST(round(s.${args.column}) AS INTEGER) AS score
    FROM ${sqlIdent(args.table)} s
    ${surveyAnswered(args)}`
  return {
    sql: `SELECT kind, grp, score, CAST(count(*) AS INTEGER) AS n FROM (${groups(inner)})
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  }
}

/** Rows (kind, grp, tickets, resolved) of support tickets opened up to asOf (resolved by then). */
export function insightsTicketResolution(
  _dialect: Dialect,
  args: { opened: string | null; asOf: string },
): Query {
  const asOf = `DATE '${sqlDate(args.asOf)}'`
  const when = args.opened ? `WHERE CAST(${args.opened} AS DATE) <= ${asOf}` : ''
  // resolved as of asOf: a ticket resolved later was still open then
  const inner = `SELECT customer_id,
      CAST(coalesce(CAST(resolved_at AS DATE) <= ${asOf}, false) AS INTEGER) AS resolved
    FROM tickets ${when}`
  return {
    sql: `SELECT kind, grp, CAST(count(*) AS INTEGER) AS tickets,
  CAST(sum(resolved) AS INTEGER) AS resolved FROM (${groups(inner)}) GROUP BY 1, 2 ORDER BY 1, 2`,
  }
}

/**
 * SQL body (customer_id, order_id): the orders refunded in full by `asOf` (a SQL date) without a
 * returns row by then: cancelled, so no order to return, where an order returned whole (its
 * refund and a returns row) is an order returned.
 */
export const cancelledOrders = (asOf: string): string => `
  SELECT c.customer_id, c.order_id FROM (${refundedInFull(asOf)}) c
  WHERE c.order_id NOT IN (SELECT order_id FROM returns WHERE returned_date <= ${asOf})`

/**
 * Rows (kind, grp, orders, returned) of orders up to asOf (the cancelled ones left out, see
 * cancelledOrders) and those returned by then.
 */
export function insightsReturnRate(_dialect: Dialect, args: { asOf: string }): Query {
  const asOf = `DATE '${sqlDate(args.asOf)}'`
  const inner = `SELECT o.customer_id,
      CAST(o.order_id IN (SELECT order_id FROM returns WHERE returned_date <= ${asOf})
        AS INTEGER) AS returned
    FROM orders o
    LEFT JOIN (${cancelledOrders(asOf)}) c
      ON c.customer_id = o.customer_id AND c.order_id = o.order_id
    WHERE o.amount >= 0 AND o.order_date <= ${asOf} AND c.order_id IS NULL`
  return {
    sql: `SELECT kind, grp, CAST(count(*) AS INTEGER) AS orders,
  CAST(sum(returned) AS INTEGER) AS returned FROM (${groups(inner)}) GROUP BY 1, 2 ORDER BY 1, 2`,
  }
}
