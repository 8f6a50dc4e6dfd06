// RFM quintile scores as comparisons with each measure's four cut values (core/rfm-cuts.ts), so
// scoring a million customers is one scan with no sort; the scores table is a view over the
// summary, and the analysis reads the same scored rows without a join.
// Portable SQL; the cut values are inlined as exact literals.
import type { MeasureCuts } from '../../core/rfm-cuts.ts'
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'

export interface RfmCuts {
  /** Recency: days_since_last, fewer is better. */
  readonly r: MeasureCuts
  /** Frequency: purchase_days, more is better. */
  readonly f: MeasureCuts
  /** Monetary: revenue, more is better. */
  readonly m: MeasureCuts
}

export interface RfmScoresArgs {
  /** Summary table with customer_id, days_since_last, purchase_days, revenue. */
  readonly summary: string
  /** View to create (replaced if it exists). */
  readonly table: string
  /** SQL CASE expression over r_score, f_score, m_score giving the segment name. */
  readonly segmentCase: string
  readonly cuts: RfmCuts
  /**
   * false: the orders carry no spend (every revenue is 0), so there is no monetary score:
   * m_score is NULL, fm_score is f_score and rfm has two digits ('54'). Default true.
   */
  readonly monetary?: boolean
}

/** A number as an SQL literal that reads back as exactly this double on both engines. */
function literal(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`RFM cut ${v} is not finite`)
  return Number.isSafeInteger(v) ? String(v) : `CAST('${String(v)}' AS DOUBLE PRECISION)`
}

/** CASE giving 1-5: better than the cut for score k means above it (more) or below it (less). */
function scoreSql(col: string, c: MeasureCuts, better: 'more' | 'less'): string {
  const op = better === 'more' ? '>' : '<'
  const whens = c.cuts
    .map((cut, i) => (cut === null ? '' : `WHEN ${col} ${op} ${literal(cut)} THEN ${i + 2}`))
    .filter((w) => w !== '')
    .reverse()
  return `CASE WHEN ${col} IS NULL THEN ${c.nullScore} ${whens.join(' ')} ELSE 1 END`
}

/**
 * A parenthesized subquery (give it an alias): every column of the summary, then
 * r_score, f_score, m_score, fm_score, rfm ('545') and rfm_segment.
 */
export function rfmScoredRows(args: Omit<RfmScoresArgs, 'table'>): string {
  const s = sqlIdent(args.summary)
  const { r, f, m } = args.cuts
  const money = args.monetary !== false
  // scores are positive: PostgreSQL's truncating integer / gives the same floor
  const fm = money ? 'CAST(floor((f_score + m_score + 1) / 2) AS INTEGER)' : 'f_score'
  const rfm = money
    ? 'CAST(r_score AS VARCHAR) || CAST(f_score AS VARCHAR) || CAST(m_score AS VARCHAR)'
    : 'CAST(r_score AS VARCHAR) || CAST(f_score AS VARCHAR)'
  const mScore = money ? scoreSql('revenue', m, 'more') : 'NULL'
  return `(
  SELECT *,
    ${fm} AS fm_score,
    ${rfm} AS rfm,
    ${args.segmentCase} AS rfm_segment
  FROM (
    SELECT *,
      CAST(${scoreSql('days_since_last', r, 'less')} AS INTEGER) AS r_score,
      CAST(${scoreSql('purchase_days', f, 'more')} AS INTEGER) AS f_score,
      CAST(${mScore} AS INTEGER) AS m_score
    FROM ${s}
  ) q
)`
}

/**
 * (Re)create TEMP VIEW <table> (customer_id, days_since_last, purchase_days, revenue,
 * r_score, f_score, m_score, fm_score, rfm, rfm_segment) over the summary.
 * score = 1 + floor(5 * (rank - 1) / n), rank = rank() (1-based, ties share the lowest rank),
 * ordered so that better customers rank higher: recency by days_since_last descending,
 * frequency by purchase_days and monetary by revenue ascending (see core/rfm-cuts.ts).
 */
export function rfmScores(_dialect: Dialect, args: RfmScoresArgs): Query {
  return {
    sql: `
CREATE OR REPLACE TEMP VIEW ${sqlIdent(args.table)} AS
SELECT customer_id, days_since_last, purchase_days, revenue,
  r_score, f_score, m_score, fm_score, rfm, rfm_segment
FROM ${rfmScoredRows(args)} scored
`,
  }
}
