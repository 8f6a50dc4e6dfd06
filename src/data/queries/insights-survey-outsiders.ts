// Survey answers the KPIs by segment cannot place: from people who are not among the analysed
// customers (no purchase by the as-of date: a sign-up, a prospect, a refunded-only buyer).
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'
import { INSIGHTS_BASE } from './insights-base.ts'
import { type SurveyAnswers, surveyAnswered } from './insights-segment-kpis.ts'

/**
 * One row (answers, outside): the answers with a score in `column` (nps or ces) up to asOf in
 * `table`, and how many of them come from people outside insights_base, so that a note can say
 * what NPS or CES by segment left out instead of dropping them silently.
 */
export function insightsSurveyOutsiders(_dialect: Dialect, args: SurveyAnswers): Query {
  return {
    sql: `SELECT CAST(count(*) AS INTEGER) AS answers,
  CAST(count(*) FILTER (WHERE s.customer_id NOT IN (SELECT customer_id FROM ${INSIGHTS_BASE}))
    AS INTEGER) AS outside
FROM ${sqlIdent(args.table)} s
${surveyAnswered(args)}`,
  }
}
