// Rising-stars features as SQL expressions over insights_first/insights_base, materialised once so
// the model trains on a sample pulled as lists and scores every customer inside the engine.
import type { Dialect, Query } from '../engine.ts'
import { INSIGHTS_BASE } from './insights-base.ts'
import { INSIGHTS_FIRST } from './insights-first-orders.ts'

export const INSIGHTS_FEATURES = 'insights_features'

/** A feature: SQL over columns of insights_first (f), insights_base (b) and engagement (e). */
export interface FeatureSql {
  readonly sql: string
}

/**
 * CREATE OR REPLACE TEMP TABLE insights_features: cidx, customer_id, split ('train' for the
 * earlier acquired half of the eligible customers, same-day ties split by md5 of the id,
 * 'validate' for the later half,
 * 'candidate' for customers not yet eligible with at least earlyDays of history), top, value,
 * then x0..x{p-1} as DOUBLE. `engagementSql`, when given, is a subquery (customer_id, events)
 * joined as e.
 */
export function insightsEarlyFeatures(
  _dialect: Dialect,
  args: { features: readonly FeatureSql[]; earlyDays: number; engagementSql?: string },
): Query {
  const early = Math.trunc(args.earlyDays)
  const xs = args.features.map((f, j) => `CAST(coalesce(${f.sql}, 0) AS DOUBLE) AS x${j}`)
  const eng = args.engagementSql
    ? `LEFT JOIN (${args.engagementSql}) e ON e.customer_id = b.customer_id`
    : ''
  return {
    sql: `
CREATE OR REPLACE TEMP TABLE ${INSIGHTS_FEATURES} AS
WITH ranked AS (
  -- the eligible in order of acquisition; customers acquired on the same day (a whole cohort may
  -- share its first day) in an order that says nothing about them (md5 of the id)
  SELECT b.cidx, row_number() OVER (ORDER BY f.first_day, md5(b.customer_id)) AS r,
    count(*) OVER () AS n
  FROM ${INSIGHTS_BASE} b JOIN ${INSIGHTS_FIRST} f ON f.cidx = b.cidx WHERE b.eligible
)
SELECT b.cidx, b.customer_id, b.top, b.value,
  CASE WHEN b.eligible AND 2 * k.r <= k.n THEN 'train'
    WHEN b.eligible THEN 'validate'
    WHEN b.tenure_days >= ${early} THEN 'candidate' END AS split,
  ${xs.join(',\n  ')}
FROM ${INSIGHTS_BASE} b JOIN ${INSIGHTS_FIRST} f ON f.cidx = b.cidx ${eng}
LEFT JOIN ranked k ON k.cidx = b.cidx
WHERE b.tenure_days >= ${early}
`,
  }
}

/**
 * One row: `x`, the features of the rows of `split` flattened row-major (n × p, the layout of the
 * model's design matrix), and `top`, at most `limit` rows drawn by a seeded hash of the customer
 * index, in cidx order. One sort for all columns instead of one per column.
 * The draw is the first `limit` rows in hash(cidx, seed) order: the same rows on every run. The
 * engine's seeded reservoir sample (USING SAMPLE ... REPEATABLE) repeats only on one thread: on
 * two, a 1M-order file's rising stars (their training rows, coefficients, the list) differed from
 * run to run.
 */
export function insightsFeatureSample(
  _dialect: Dialect,
  args: { split: string; p: number; limit: number; seed: number },
): Query {
  const cols = Array.from({ length: args.p }, (_, j) => `x${j}`).join(', ')
  const limit = Math.max(1, Math.trunc(args.limit))
  // any seed folded into an integer the SQL text writes plainly
  const seed = Math.trunc(args.seed) % 2_147_483_647
  return {
    sql: `
WITH s AS (
  SELECT * FROM ${INSIGHTS_FEATURES} WHERE split = $1
  ORDER BY hash(cidx, ${seed}), cidx
  LIMIT ${limit}
)
SELECT flatten(list([${cols}] ORDER BY cidx)) AS x, list(CAST(top AS INTEGER) ORDER BY cidx) AS top,
  count(*) AS n FROM s
`,
    params: [args.split],
  }
}

/**
 * The `limit` candidates with the highest score `scoreSql` (an expression over x0..), with their
 * features, whose value is below `threshold` (the top cohort's smallest value; null: no limit).
 */
export function insightsTopCandidates(
  _dialect: Dialect,
  args: { scoreSql: string; p: number; limit: number; threshold: number | null },
): Query {
  const below = args.threshold === null ? '' : `AND value < ${Number(args.threshold)}`
  const cols = Array.from({ length: args.p }, (_, j) => `x${j}`).join(', ')
  return {
    sql: `
SELECT customer_id, value, ${cols}, (${args.scoreSql}) AS score
FROM ${INSIGHTS_FEATURES} WHERE split = 'candidate' AND NOT top ${below}
ORDER BY score DESC, customer_id LIMIT ${Math.max(0, Math.trunc(args.limit))}
`,
  }
}

/** How many candidates there are and how many score at least `minScore`. */
export function insightsCandidateCounts(
  _dialect: Dialect,
  args: { scoreSql: string; minScore: number; threshold: number | null },
): Query {
  const below = args.threshold === null ? '' : `AND value < ${Number(args.threshold)}`
  return {
    sql: `SELECT count(*) AS candidates, count(*) FILTER (WHERE (${args.scoreSql}) >= $1) AS high
FROM ${INSIGHTS_FEATURES} WHERE split = 'candidate' AND NOT top ${below}`,
    params: [args.minScore],
  }
}
