// What the models read from the per-customer summary, compressed by the engine: distinct
// (x, t_x, T, x_star) histories with counts, and distinct repeat spends. Doubles throughout, so
// values written back for the join compare exactly.
import type { Dialect, Query } from '../engine.ts'
import { exactSum, sqlIdent } from './customer-summary.ts'

/**
 * Columns x, t_x, T, x_star, w (customers), ordered so rows of one (x, t_x, T) are adjacent and
 * the order is reproducible (fits then do not depend on the engine's parallel grouping order).
 * Grouped and sorted on the stored columns, cast to DOUBLE only on the way out (the same rows in
 * the same order: the casts are exact and keep the order); sorting the cast outputs took about
 * twice as long (1M customers: ~0.7 s -> ~0.35 s).
 */
export function predictionHistories(_dialect: Dialect, args: { summary: string }): Query {
  return {
    sql: `SELECT CAST(h.x AS DOUBLE) AS x, CAST(h.t_x AS DOUBLE) AS t_x, CAST(h."T" AS DOUBLE) AS "T",
  CAST(h.x_star AS DOUBLE) AS x_star, CAST(h.w AS DOUBLE) AS w
FROM (
  SELECT x, t_x, "T", x_star, count(*) AS w FROM ${sqlIdent(args.summary)}
  GROUP BY x, t_x, "T", x_star
) h
ORDER BY h.x, h.t_x, h."T", h.x_star`,
  }
}

/**
 * Columns x, monetary, w over repeat customers (x > 0), for the Gamma-Gamma spend model. Spend is
 * rounded to 1e-9: the engine's parallel sums can differ in the last bit between runs, and the fit
 * (its Hessian-based standard errors above all) should not.
 */
export function spendHistories(_dialect: Dialect, args: { summary: string }): Query {
  // grouped and sorted before the casts, as predictionHistories
  return {
    sql: `SELECT CAST(s.x AS DOUBLE) AS x, s.m, CAST(s.w AS DOUBLE) AS w
FROM (
  SELECT x, round(CAST(monetary AS DOUBLE), 9) AS m, count(*) AS w FROM ${sqlIdent(args.summary)}
  WHERE x > 0 AND monetary IS NOT NULL
  GROUP BY 1, 2
) s
ORDER BY s.x, s.m`,
  }
}

/**
 * Spend and margin facts: mean repeat spend, mean spend per purchase day (for data without
 * repeaters), and margin / the revenue it was earned on (margin_revenue) over customers whose
 * margin is known (NULL when none is).
 */
export function spendFacts(_dialect: Dialect, args: { summary: string }): Query {
  return {
    sql: `SELECT
  ${exactSum('monetary', { scale: 12, filter: 'x > 0' })}
    / nullif(count(*) FILTER (WHERE x > 0), 0) AS mean_repeat_spend,
  ${exactSum('revenue')} / nullif(sum(purchase_days), 0) AS mean_day_spend,
  ${exactSum('margin', { filter: 'margin IS NOT NULL' })}
    / nullif(${exactSum('margin_revenue', { filter: 'margin IS NOT NULL' })}, 0) AS margin_share,
  strftime(min(first_purchase), '%Y-%m-%d') AS cohort_start
FROM ${sqlIdent(args.summary)}`,
  }
}
