// What the models read from the per-customer summary, compressed by the engine: distinct
// (x, t_x, T, x_star) histories with counts, and distinct repeat spends. Doubles throughout, so
// values written back for the join compare exactly.
import type { Dialect, Query } from '../engine.ts'
import { sqlIdent } from './customer-summary.ts'

/**
 * Columns x, t_x, T, x_star, w (customers), ordered so rows of one (x, t_x, T) are adjacent and
 * the order is reproducible (fits then do not depend on the engine's parallel grouping order).
 */
export function predictionHistories(_dialect: Dialect, args: { summary: string }): Query {
  return {
    sql: `SELECT CAST(x AS DOUBLE) AS x, CAST(t_x AS DOUBLE) AS t_x, CAST("T" AS DOUBLE) AS "T",
  CAST(x_star AS DOUBLE) AS x_star, CAST(count(*) AS DOUBLE) AS w
FROM ${sqlIdent(args.summary)}
GROUP BY x, t_x, "T", x_star
ORDER BY x, t_x, "T", x_star`,
  }
}

/**
 * Columns x, monetary, w over repeat customers (x > 0), for the Gamma-Gamma spend model. Spend is
 * rounded to 1e-9: the engine's parallel sums can differ in the last bit between runs, and the fit
 * (its Hessian-based standard errors above all) should not.
 */
export function spendHistories(_dialect: Dialect, args: { summary: string }): Query {
  return {
    sql: `SELECT CAST(x AS DOUBLE) AS x, round(CAST(monetary AS DOUBLE), 9) AS m,
  CAST(count(*) AS DOUBLE) AS w
FROM ${sqlIdent(args.summary)}
WHERE x > 0 AND monetary IS NOT NULL
GROUP BY 1, 2
ORDER BY 1, 2`,
  }
}

/**
 * Spend and margin facts: mean repeat spend, mean spend per purchase day (for data without
 * repeaters), and margin / revenue over customers whose margin is known (NULL when none is).
 */
export function spendFacts(_dialect: Dialect, args: { summary: string }): Query {
  return {
    sql: `SELECT
  avg(monetary) FILTER (WHERE x > 0) AS mean_repeat_spend,
  sum(revenue) / nullif(sum(purchase_days), 0) AS mean_day_spend,
  sum(margin) FILTER (WHERE margin IS NOT NULL)
    / nullif(sum(revenue) FILTER (WHERE margin IS NOT NULL), 0) AS margin_share,
  strftime(min(first_purchase), '%Y-%m-%d') AS cohort_start
FROM ${sqlIdent(args.summary)}`,
  }
}
