// The one sort behind every concentration figure: customers ranked by value (highest first) with
// running sums. Top shares, deciles, the Lorenz curve and the Gini coefficient are then plain
// aggregates or lookups on rn, instead of four sorts of a million customers.
import type { Dialect, Query } from '../engine.ts'
import { type ConcentrationArgs, valueOrder, valueSource } from './concentration-source.ts'
import { sqlIdent, toDecimal, toDouble } from './customer-summary.ts'
import { createTempTableAs } from './dialect-sql.ts'

/**
 * The running sums are added up exactly (the values are money: sums of DECIMAL(18,6) amounts) in
 * `inner`, and read as doubles around it: a double running sum drifts, so the top shares' total
 * read 173115.5499999971 beside a revenue of 173115.55.
 */
const exactRunning = (inner: string, lead = ''): string =>
  `SELECT ${lead}rn, value, revenue, orders, ${toDouble('cum_d')} AS cum, ${toDouble('cum_pos_d')} AS cum_pos
FROM (${inner}) r`

const runningSums = (over: string): string =>
  `sum(${toDecimal('value', 38)}) ${over} AS cum_d, sum(${toDecimal('greatest(value, 0)', 38)}) ${over} AS cum_pos_d`

/** The session table `concentration` ranks into (replaced by each call). */
export const CONCENTRATION_RANKED = 'concentration_ranked'

/**
 * (Re)create TEMP TABLE `ranked` (rn, value, revenue, orders, cum, cum_pos): rn = 1 for the
 * highest value, ties by customer_id in byte order (the same on DuckDB and PostgreSQL);
 * cum = sum of the values of ranks 1..rn; cum_pos the same with values clamped at 0 (for the
 * Lorenz curve and the Gini coefficient).
 */
export function concentrationRanked(
  dialect: Dialect,
  args: ConcentrationArgs & { ranked: string },
): Query {
  return {
    sql: `${createTempTableAs(dialect, sqlIdent(args.ranked))}
${exactRunning(`SELECT row_number() OVER w AS rn, value, revenue, orders, ${runningSums('OVER w')}
FROM ${valueSource(args)} s
WINDOW w AS (ORDER BY ${valueOrder(dialect, 'DESC')}
  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`)}`,
  }
}

/** The session table the analysis ranks its customers into by revenue ({@link revenueRanks}). */
export const REVENUE_RANKS = 'revenue_ranks'

/**
 * CREATE TEMP TABLE `ranked`: the layout of {@link concentrationRanked} for revenue plus
 * customer_id, over `scored` (a table or parenthesized subquery with customer_id, revenue,
 * orders): rn = 1 for the most revenue, ties (revenue to 1e-6, as the engine's parallel sums
 * can differ in the last bit between runs) by orders, more first, then customer_id. The analysis
 * table takes its revenue_rank and cumulative share from it and the revenue concentration reads
 * it as it is: one ranking of a million customers serves both, and it needs nothing from the
 * predictions, so analyze runs it while the models are fitted. DuckDB only (round of a DOUBLE).
 */
export function revenueRanks(_dialect: Dialect, args: { scored: string; ranked: string }): Query {
  return {
    sql: `${createTempTableAs('duckdb', sqlIdent(args.ranked))}
${exactRunning(
  `SELECT customer_id, row_number() OVER w AS rn, CAST(revenue AS DOUBLE PRECISION) AS value, revenue,
  orders, ${runningSums('OVER w')}
FROM ${args.scored} c
WINDOW w AS (ORDER BY round(revenue, 6) DESC, orders DESC, customer_id
  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`,
  'customer_id, ',
)}`,
  }
}
