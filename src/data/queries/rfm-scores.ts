// RFM quintile scores in one pass of three window ranks. Ties share the MIN rank of their group,
// so equal values always get the same score and a tie block falls into the lowest bucket it reaches.
// Portable SQL; only the CREATE differs per dialect (dialect-sql.ts).
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'
import { createTempTableAs } from './dialect-sql.ts'

export interface RfmScoresArgs {
  /** Summary table with customer_id, days_since_last, purchase_days, revenue. */
  readonly summary: string
  /** Table to create (replaced if it exists). */
  readonly table: string
  /** SQL CASE expression over r_score, f_score, m_score giving the segment name. */
  readonly segmentCase: string
}

/**
 * (Re)create TEMP TABLE <table> (customer_id, days_since_last, purchase_days, revenue,
 * r_score, f_score, m_score, fm_score, rfm, rfm_segment).
 * score = 1 + floor(5 * (rank - 1) / n), rank = rank() (1-based, ties share the lowest rank),
 * ordered so that better customers rank higher: recency by days_since_last descending,
 * frequency by purchase_days and monetary by revenue ascending.
 */
export function rfmScores(dialect: Dialect, args: RfmScoresArgs): Query {
  const summary = sqlIdent(args.summary)
  const table = sqlIdent(args.table)
  // 5.0 makes the quotient exact enough on both engines (DOUBLE on DuckDB, NUMERIC on
  // PostgreSQL): a non-integer 5 (rank - 1) / n is at least 1/n away from the next integer.
  const score = (rank: string) => `CAST(1 + floor(5.0 * (${rank} - 1) / n) AS INTEGER)`
  // NULLS LAST spelled out: DuckDB's default for DESC, PostgreSQL's is NULLS FIRST
  return {
    sql: `
${createTempTableAs(dialect, table)}
WITH ranked AS (
  SELECT customer_id, days_since_last, purchase_days, revenue,
    rank() OVER (ORDER BY days_since_last DESC NULLS LAST) AS r_rank,
    rank() OVER (ORDER BY purchase_days ASC NULLS LAST) AS f_rank,
    rank() OVER (ORDER BY revenue ASC NULLS LAST) AS m_rank,
    count(*) OVER () AS n
  FROM ${summary}
),
scored AS (
  SELECT customer_id, days_since_last, purchase_days, revenue,
    ${score('r_rank')} AS r_score,
    ${score('f_rank')} AS f_score,
    ${score('m_rank')} AS m_score
  FROM ranked
)
SELECT *,
  -- scores are positive: PostgreSQL's truncating integer / gives the same floor
  CAST(floor((f_score + m_score + 1) / 2) AS INTEGER) AS fm_score,
  CAST(r_score AS VARCHAR) || CAST(f_score AS VARCHAR) || CAST(m_score AS VARCHAR) AS rfm,
  ${args.segmentCase} AS rfm_segment
FROM scored
`,
  }
}
