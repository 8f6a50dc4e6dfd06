// Survey lists: a seeded random sample of customers per RFM segment (and per tier when present).
// The order within a group is a hash of (seed, customer_id), so a sample is reproducible and a
// larger sample extends a smaller one.
import type { Dialect, Query } from '../engine.ts'
import { INSIGHTS_BASE } from './insights-base.ts'

/**
 * SELECT group_kind ('segment' or 'tier'), group, customer_id, email, name, value, revenue,
 * days_since_last, purchase_days, draw (1..size) for at most `size` customers per group.
 * `contacts` says whether the customers table (email, name) can be joined.
 */
export function insightsSurveySample(
  _dialect: Dialect,
  args: { size: number; seed: number; contacts: boolean },
): Query {
  const size = Math.max(1, Math.trunc(args.size))
  const seed = Math.trunc(args.seed)
  const contact = args.contacts
    ? 'c.email, c.name'
    : 'NULL::VARCHAR AS email, NULL::VARCHAR AS name'
  const join = args.contacts ? 'LEFT JOIN customers c ON c.customer_id = g.customer_id' : ''
  return {
    sql: `
WITH g AS (
  SELECT 'segment' AS group_kind, rfm_segment AS "group", customer_id, value, revenue,
    days_since_last, purchase_days FROM ${INSIGHTS_BASE}
  UNION ALL
  SELECT 'tier', tier, customer_id, value, revenue, days_since_last, purchase_days
  FROM ${INSIGHTS_BASE} WHERE tier IS NOT NULL
),
drawn AS (
  SELECT *, row_number() OVER (PARTITION BY group_kind, "group"
    ORDER BY hash(customer_id || ':' || '${seed}'), customer_id) AS draw
  FROM g
)
SELECT g.group_kind, g."group", g.customer_id, ${contact}, round(g.value, 2) AS value,
  round(g.revenue, 2) AS revenue, g.days_since_last, g.purchase_days, CAST(g.draw AS INTEGER) AS draw
FROM drawn g ${join}
WHERE g.draw <= ${size}
ORDER BY g.group_kind, g."group", g.draw
`,
  }
}
