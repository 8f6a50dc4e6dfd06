// What one customer told the company, for `loyals customer`: the latest CES and CSAT answers, the
// mean satisfaction of their rated tickets and the latest survey comment, all as known at the
// as-of date (as the latest NPS in value-facts.ts). One row; every figure NULL when absent.
import type { Dialect, Query } from '../engine.ts'
import { sqlDate } from './customer-summary.ts'

/**
 * One row (ces, csat, ticket_satisfaction, tickets_rated, comment, comment_date) for the customer:
 * the latest answer with a CES and the latest with a CSAT (responded on or before `asOf`; the same
 * instant: the greater key), the mean satisfaction (1-5) of their tickets opened on or before
 * `asOf` that have one and how many those are, and the latest non-blank comment with its day.
 */
export function valueCustomerFeedback(
  _d: Dialect,
  args: { customerId: string; asOf: string },
): Query {
  const asOf = `DATE '${sqlDate(args.asOf)}'`
  const answers = `FROM survey_responses
    WHERE customer_id = $1 AND responded_date <= ${asOf}`
  const latest = (col: string, where: string): string =>
    `(SELECT ${col} ${answers} AND ${where}
    ORDER BY responded_at DESC, response_key DESC LIMIT 1)`
  const comment = "trim(comment) <> ''"
  return {
    sql: `SELECT ${latest('ces', 'ces IS NOT NULL')} AS ces,
  ${latest('csat', 'csat IS NOT NULL')} AS csat,
  t.satisfaction AS ticket_satisfaction, t.rated AS tickets_rated,
  ${latest('comment', comment)} AS comment,
  ${latest('CAST(responded_date AS VARCHAR)', comment)} AS comment_date
FROM (
  SELECT avg(satisfaction) AS satisfaction, count(satisfaction) AS rated FROM tickets
  WHERE customer_id = $1 AND opened_date <= ${asOf}
) t`,
    params: [args.customerId],
  }
}
