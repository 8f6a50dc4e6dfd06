// The per-customer analysis table behind customers.csv/.parquet: the summary with its RFM
// scores (and the predictions), plus revenue rank, decile and shares, computed with window functions
// in the engine. Rows are stored in rank order, so the exports read them without sorting again.
import type { Dialect, Query } from '../engine.ts'
import { exactSum, sqlIdent } from './customer-summary.ts'

export interface CustomerAnalysisArgs {
  /**
   * The summary rows with their RFM scores: a parenthesized subquery (`RfmResult.scoredRows`)
   * giving every summary column, then r_score, f_score, m_score, fm_score, rfm, rfm_segment.
   */
  readonly scored: string
  /** Table to create (replaced if it exists). */
  readonly table: string
  /** The customers of `scored` ranked by revenue (concentration-ranked.ts revenueRanks). */
  readonly ranks: string
  /** Prediction table (customer_predictions) to append with a LEFT JOIN; none: no columns. */
  readonly predictions?: string
}

/** The prediction columns appended to the analysis table, in this order. */
export const PREDICTION_COLUMNS = [
  'p_alive',
  'expected_purchases',
  'expected_spend',
  'predicted_value',
  'expected_next_purchase',
  'p_next_purchase_horizon',
] as const

/**
 * CREATE OR REPLACE TEMP TABLE <table>: every summary column, r_score, f_score, m_score,
 * fm_score, rfm, rfm_segment, then revenue_rank (1 = most revenue; ties (to 1e-6) by orders, more
 * first, then customer_id),
 * revenue_decile = 1 + floor(10 (rank - 1) / n) (the definition of the concentration deciles),
 * revenue_share = revenue / total and cumulative_revenue_share = share of the top `rank`
 * customers (both NULL when total revenue is 0 or below), then the prediction columns when
 * `predictions` is given. One statement, rows inserted in revenue_rank order (DuckDB keeps
 * insertion order), instead of a second copy of a million wide rows for the predictions.
 *
 * The rank and the running sum come from `ranks`, taken on a narrow projection (id and the sort
 * keys) by a statement of their own that analyze runs while the models are fitted; joined here,
 * the wide rows are sorted once on the integer rank: both the join and that sort run on every
 * thread. Sorting the wide rows on the keys and numbering them with a streaming window
 * (OVER () with a ROWS frame) reads the sorted rows back on one thread: ~1.9 s at 1M customers,
 * against ~1.3-1.6 s this way.
 */
export function customerAnalysis(_dialect: Dialect, args: CustomerAnalysisArgs): Query {
  const table = sqlIdent(args.table)
  const pred = args.predictions ? sqlIdent(args.predictions) : null
  const predCols = pred ? PREDICTION_COLUMNS.map((c) => `,\n    p.${c}`).join('') : ''
  const predJoin = pred ? `\n  LEFT JOIN ${pred} p ON p.customer_id = s.customer_id` : ''
  const ranks = sqlIdent(args.ranks)
  // The total is the exact sum of the revenues (each a sum of DECIMAL(18,6) amounts, so the cast
  // back is exact), the same figure as the running sum of the last rank: the engine's parallel
  // double sums differ in the last bit between runs, which moved every share, and the running
  // share of the last customer came out as 1.0000000000000548 as often as 0.9999999999999943.
  // computed once and joined (one row), not as a subquery at each of its uses: four scans of the
  // ranks for one number cost ~0.1 s at 1M customers
  return {
    sql: `
CREATE OR REPLACE TEMP TABLE ${table} AS
WITH tot AS (SELECT count(*) AS n, ${exactSum('revenue')} AS total FROM ${ranks})
SELECT s.*,
  r.rn AS revenue_rank,
  CAST(1 + (10 * (r.rn - 1)) // tot.n AS INTEGER) AS revenue_decile,
  CASE WHEN tot.total <= 0 THEN NULL ELSE s.revenue / tot.total END AS revenue_share,
  CASE WHEN tot.total <= 0 THEN NULL ELSE r.cum / tot.total END AS cumulative_revenue_share${predCols}
FROM ${args.scored} s
JOIN ${ranks} r ON r.customer_id = s.customer_id
CROSS JOIN tot${predJoin}
ORDER BY r.rn
`,
  }
}

/**
 * Rows of the analysis table in revenue-rank order, for COPY to CSV/Parquet. `stored`: the table
 * (or the value view, a positional join onto it) already holds its rows in rank order and the
 * engine keeps insertion order (DuckDB's default preserve_insertion_order), so no sort is needed.
 */
export function customerAnalysisExport(
  _dialect: Dialect,
  args: { table: string; stored?: boolean },
): Query {
  const t = sqlIdent(args.table)
  return { sql: args.stored ? `SELECT * FROM ${t}` : `SELECT * FROM ${t} ORDER BY revenue_rank` }
}

/** The `limit` customers with the most revenue. */
export function topCustomers(_dialect: Dialect, args: { table: string; limit: number }): Query {
  const limit = Math.max(0, Math.trunc(args.limit))
  return {
    sql: `
SELECT revenue_rank, customer_id, revenue, revenue_share, cumulative_revenue_share, margin,
  orders, repeat_purchase_days, aov,
  strftime(first_purchase, '%Y-%m-%d') AS first_purchase,
  strftime(last_purchase, '%Y-%m-%d') AS last_purchase,
  days_since_last, rfm_segment, r_score, f_score, m_score
FROM ${sqlIdent(args.table)} ORDER BY revenue_rank LIMIT ${limit}
`,
  }
}
