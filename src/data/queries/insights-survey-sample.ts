// Survey lists: a seeded random sample of customers per RFM segment (and per tier when present).
// The order within a group is a hash of (seed, customer_id), so a sample is reproducible and a
// larger sample extends a smaller one. Customers who answered a survey shortly before the as-of
// date rest: they are not drawn (asking them again so soon tires them and skews the answers).
import type { Dialect, Query } from '../engine.ts'
import { sqlDate, sqlIdent } from './customer-summary.ts'
import { INSIGHTS_BASE } from './insights-base.ts'

/** Recent respondents to leave out: answers in `table` dated by `dated` in (asOf - days, asOf]. */
export interface SurveyRest {
  readonly table: string
  readonly dated: string
  readonly asOf: string
  readonly days: number
}

/**
 * SELECT group_kind ('segment' or 'tier'), group, customer_id, email, name, value, revenue,
 * days_since_last, purchase_days, draw (1..size) for at most `size` customers per group, drawn
 * among those not resting (`rest`: an answer in the `rest.days` days up to the as-of date).
 * `contacts` says whether the customers table (email, name) can be joined. With `counts`, the
 * rows are instead per group: group_kind, group, sampled, resting (customers left out).
 */
export function insightsSurveySample(
  _dialect: Dialect,
  args: { size: number; seed: number; contacts: boolean; rest?: SurveyRest; counts?: boolean },
): Query {
  const size = Math.max(1, Math.trunc(args.size))
  const seed = Math.trunc(args.seed)
  const contact = args.contacts
    ? 'c.email, c.name'
    : 'NULL::VARCHAR AS email, NULL::VARCHAR AS name'
  const join = args.contacts ? 'LEFT JOIN customers c ON c.customer_id = g.customer_id' : ''
  const r = args.rest
  const days = r ? Math.max(0, Math.trunc(r.days)) : 0
  // the window (asOf - days, asOf], by the answers' day: days = 0 rests nobody
  const resting =
    r && days > 0
      ? `customer_id IN (SELECT customer_id FROM ${sqlIdent(r.table)}
    WHERE CAST(${sqlIdent(r.dated)} AS DATE) <= DATE '${sqlDate(r.asOf)}'
      AND CAST(${sqlIdent(r.dated)} AS DATE) > DATE '${sqlDate(r.asOf)}' - ${days})`
      : 'false'
  const base = `
WITH g AS (
  SELECT 'segment' AS group_kind, rfm_segment AS "group", customer_id, value, revenue,
    days_since_last, purchase_days FROM ${INSIGHTS_BASE}
  UNION ALL
  SELECT 'tier', tier, customer_id, value, revenue, days_since_last, purchase_days
  FROM ${INSIGHTS_BASE} WHERE tier IS NOT NULL
),
rested AS (SELECT *, ${resting} AS resting FROM g),
drawn AS (
  SELECT *, CASE WHEN resting THEN NULL ELSE row_number() OVER (
    PARTITION BY group_kind, "group", resting
    ORDER BY hash(customer_id || ':' || '${seed}'), customer_id) END AS draw
  FROM rested
)`
  if (args.counts) {
    return {
      sql: `${base}
SELECT group_kind, "group", count(*) FILTER (WHERE draw <= ${size}) AS sampled,
  count(*) FILTER (WHERE resting) AS resting
FROM drawn GROUP BY 1, 2 ORDER BY 1, 2`,
    }
  }
  return {
    sql: `${base}
SELECT g.group_kind, g."group", g.customer_id, ${contact}, round(g.value, 2) AS value,
  round(g.revenue, 2) AS revenue, g.days_since_last, g.purchase_days, CAST(g.draw AS INTEGER) AS draw
FROM drawn g ${join}
WHERE g.draw <= ${size}
ORDER BY g.group_kind, g."group", g.draw
`,
  }
}
