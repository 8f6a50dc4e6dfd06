// Per-history scores (computed once per distinct history in JS) joined back onto every customer in
// the engine; spend and value are closed forms evaluated in SQL, so no per-customer JS loop.
import { UsageError } from '../../errors.ts'
import type { Dialect, Query } from '../engine.ts'
import { exactSum, sqlDate, sqlIdent } from './customer-summary.ts'

/** How expected spend per purchase is computed per customer. */
export type SpendRule =
  | {
      readonly kind: 'gamma-gamma'
      readonly p: number
      readonly q: number
      readonly gamma: number
      /** Spend of customers without (positive) repeat spend. */
      readonly fallback: number
    }
  | { readonly kind: 'mean'; readonly value: number }
  /** The orders carry no amounts: spend and value are unknown (NULL), not 0. */
  | { readonly kind: 'none' }

const num = (v: number, what: string): string => {
  if (!Number.isFinite(v)) throw new UsageError(`${what} must be a finite number (got ${v})`)
  return `CAST(${v.toString()} AS DOUBLE)`
}

/**
 * Gamma-Gamma conditional mean spend E[M | x, m_x] = p(γ + x m_x)/(px + q - 1) (Fader & Hardie
 * 2013, eq. 5) for repeaters with positive spend; the fallback (population mean) otherwise. With
 * q < 1 that mean is infinite for a repeater with px + q <= 1 (the formula would turn negative):
 * such a customer's own mean spend m_x stands in.
 */
export function spendExpression(rule: SpendRule, alias = 's'): string {
  if (rule.kind === 'none') return 'CAST(NULL AS DOUBLE)'
  if (rule.kind === 'mean') return num(rule.value, 'mean spend')
  const p = num(rule.p, 'p')
  const q = num(rule.q, 'q')
  const g = num(rule.gamma, 'gamma')
  return `CASE WHEN ${alias}.x > 0 AND ${alias}.monetary > 0
  THEN CASE WHEN ${p} * ${alias}.x + ${q} - 1 > 0
    THEN ${p} * (${g} + ${alias}.x * ${alias}.monetary) / (${p} * ${alias}.x + ${q} - 1)
    ELSE ${alias}.monetary END
  ELSE ${num(rule.fallback, 'fallback spend')} END`
}

export interface PredictionJoinArgs {
  /** Per-customer summary (customer_summary). */
  readonly summary: string
  /** Per-history scores: x, t_x, T, p_alive, expected, det, p_any, next_days (NaN = none). */
  readonly scores: string
  /**
   * false: the scores are per distinct (x, T), without t_x (models whose scores ignore t_x), and
   * are joined on those two. Default true.
   */
  readonly withTx?: boolean
  /** Table to create. */
  readonly table: string
  readonly asOf: string
  /** Days per unit, to turn the waiting time into a date. */
  readonly unitDays: number
  readonly spend: SpendRule
  readonly margin: number
}

/**
 * CREATE OR REPLACE TEMP TABLE <table> (customer_id, p_alive, expected_purchases, expected_spend,
 * predicted_value, predicted_revenue, expected_next_purchase, p_next_purchase_horizon).
 * predicted_revenue = discounted expected purchases × expected spend; predicted_value = that ×
 * margin; expected_next_purchase = asOf + median waiting
 * time (NULL when a purchase is unlikely). NaN scores become NULL.
 */
export function predictionJoin(_dialect: Dialect, args: PredictionJoinArgs): Query {
  const summary = sqlIdent(args.summary)
  const scores = sqlIdent(args.scores)
  const table = sqlIdent(args.table)
  const asOf = `DATE '${sqlDate(args.asOf)}'`
  const spend = spendExpression(args.spend)
  const margin = num(args.margin, 'margin')
  const days = num(args.unitDays, 'unit days')
  return {
    sql: `
CREATE OR REPLACE TEMP TABLE ${table} AS
SELECT s.customer_id,
  CASE WHEN isnan(p.p_alive) THEN NULL ELSE p.p_alive END AS p_alive,
  p.expected AS expected_purchases,
  ${spend} AS expected_spend,
  p.det * (${spend}) * ${margin} AS predicted_value,
  -- the discounted revenue apart: the value step's own margins price it, also at --margin 0
  p.det * (${spend}) AS predicted_revenue,
  CASE WHEN isnan(p.next_units) THEN NULL
    ELSE ${asOf} + CAST(greatest(1, round(p.next_units * ${days})) AS INTEGER) END
    AS expected_next_purchase,
  p.p_any AS p_next_purchase_horizon
FROM ${summary} s
JOIN ${scores} p ON p.x = s.x AND ${args.withTx === false ? '' : 'p.t_x = s.t_x AND '}p."T" = s."T"
`,
  }
}

/** P(alive) in ten bins (bin 0 = [0, 0.1) .. bin 9 = [0.9, 1]), with counts. */
export function pAliveHistogram(_dialect: Dialect, args: { table: string }): Query {
  return {
    sql: `SELECT CAST(least(floor(p_alive * 10), 9) AS INTEGER) AS bin, count(*) AS customers
FROM ${sqlIdent(args.table)} WHERE p_alive IS NOT NULL GROUP BY 1 ORDER BY 1`,
  }
}

/** Totals over the prediction table. */
export function predictionTotals(_dialect: Dialect, args: { table: string }): Query {
  return {
    sql: `SELECT count(*) AS customers,
  coalesce(${exactSum('expected_purchases', { scale: 12 })}, 0) AS expected_purchases,
  coalesce(${exactSum('predicted_value', { scale: 9 })}, 0) AS predicted_value,
  ${exactSum('p_alive', { scale: 15 })} / nullif(count(p_alive), 0) AS mean_p_alive,
  coalesce(${exactSum('p_next_purchase_horizon', { scale: 15 })}, 0) AS expected_active,
  count(expected_next_purchase) AS with_next
FROM ${sqlIdent(args.table)}`,
  }
}

/**
 * The `limit` customers with the highest predicted value (ties by id), with their history. The
 * top rows are picked before the join, so only they are looked up in the summary.
 */
export function topPredicted(
  _dialect: Dialect,
  args: { table: string; summary: string; limit: number },
): Query {
  const limit = Math.max(0, Math.trunc(args.limit))
  return {
    sql: `WITH top AS (
  SELECT * FROM ${sqlIdent(args.table)}
  -- without amounts every predicted value is NULL: the expected purchases rank them
  ORDER BY round(predicted_value, 6) DESC NULLS LAST, round(expected_purchases, 9) DESC NULLS LAST,
    customer_id
  LIMIT ${limit}
)
SELECT p.customer_id, s.revenue, s.orders, p.p_alive, p.expected_purchases,
  p.expected_spend, p.predicted_value,
  strftime(p.expected_next_purchase, '%Y-%m-%d') AS expected_next_purchase
FROM top p JOIN ${sqlIdent(args.summary)} s ON s.customer_id = p.customer_id
ORDER BY round(p.predicted_value, 6) DESC NULLS LAST,
  round(p.expected_purchases, 9) DESC NULLS LAST, p.customer_id`,
  }
}
