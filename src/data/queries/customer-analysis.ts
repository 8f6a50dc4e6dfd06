// The per-customer analysis table behind customers.csv/.parquet: the summary joined with the RFM
// scores, plus revenue rank, decile and shares, computed with window functions in the engine.
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'

export interface CustomerAnalysisArgs {
  /** Summary table (customer_summary). */
  readonly summary: string
  /** RFM table (customer_rfm). */
  readonly rfm: string
  /** Table to create (replaced if it exists). */
  readonly table: string
}

/**
 * CREATE OR REPLACE TEMP TABLE <table>: every summary column, r_score, f_score, m_score,
 * fm_score, rfm, rfm_segment, then revenue_rank (1 = most revenue; ties (to 1e-6) by customer_id),
 * revenue_decile = 1 + floor(10 (rank - 1) / n) (the definition of the concentration deciles),
 * revenue_share = revenue / total and cumulative_revenue_share = share of the top `rank`
 * customers (both NULL when total revenue is 0).
 */
export function customerAnalysis(_dialect: Dialect, args: CustomerAnalysisArgs): Query {
  const summary = sqlIdent(args.summary)
  const rfm = sqlIdent(args.rfm)
  const table = sqlIdent(args.table)
  return {
    sql: `
CREATE OR REPLACE TEMP TABLE ${table} AS
SELECT s.*,
  r.r_score, r.f_score, r.m_score, r.fm_score, r.rfm, r.rfm_segment,
  row_number() OVER w AS revenue_rank,
  CAST(1 + (10 * (row_number() OVER w - 1)) // count(*) OVER () AS INTEGER) AS revenue_decile,
  CASE WHEN sum(s.revenue) OVER () = 0 THEN NULL
    ELSE s.revenue / sum(s.revenue) OVER () END AS revenue_share,
  CASE WHEN sum(s.revenue) OVER () = 0 THEN NULL
    ELSE sum(s.revenue) OVER w / sum(s.revenue) OVER () END AS cumulative_revenue_share
FROM ${summary} s JOIN ${rfm} r ON r.customer_id = s.customer_id
-- round(): the engine's parallel sums can differ in the last bit between runs; ranking on
-- revenue rounded far below a cent keeps equal revenues tied, so ranks are reproducible
WINDOW w AS (ORDER BY round(s.revenue, 6) DESC, s.customer_id
  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
`,
  }
}

/** Rows of the analysis table in revenue-rank order, for COPY to CSV/Parquet. */
export function customerAnalysisExport(_dialect: Dialect, args: { table: string }): Query {
  return { sql: `SELECT * FROM ${sqlIdent(args.table)} ORDER BY revenue_rank` }
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
