// The one sort behind every concentration figure: customers ranked by value (highest first) with
// running sums. Top shares, deciles, the Lorenz curve and the Gini coefficient are then plain
// aggregates or lookups on rn, instead of four sorts of a million customers.
import type { Dialect, Query } from '../engine.ts'
import {
  type ConcentrationArgs,
  valueColumn,
  valueOrder,
  valueSource,
} from './concentration-source.ts'
import { sqlIdent, toDecimal, toDouble } from './customer-summary.ts'
import { createTempTableAs } from './dialect-sql.ts'

/**
 * The running sums are added up exactly (the values are money: sums of DECIMAL(18,6) amounts) in
 * `inner`, and read as doubles around it: a double running sum drifts, so the top shares' total
 * read 173115.5499999971 beside a revenue of 173115.55.
 */
const exactRunning = (inner: string): string =>
  `SELECT rn, value, revenue, orders, ${toDouble('cum_d')} AS cum, ${toDouble('cum_pos_d')} AS cum_pos
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
  args: ConcentrationArgs & { ranked: string; rankedBy?: string },
): Query {
  if (args.rankedBy !== undefined && dialect === 'duckdb') return fromRanks(args, args.rankedBy)
  return {
    sql: `${createTempTableAs(dialect, sqlIdent(args.ranked))}
${exactRunning(`SELECT row_number() OVER w AS rn, value, revenue, orders, ${runningSums('OVER w')}
FROM ${valueSource(args)} s
WINDOW w AS (ORDER BY ${valueOrder(dialect, 'DESC')}
  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`)}`,
  }
}

/**
 * The same table from `args.table`, whose column `rank` already orders the customers by value
 * (the analysis table's revenue_rank): the rows are read in that order and the running sums
 * taken by a streaming window, instead of ranking a million customers a second time. DuckDB only:
 * OVER () follows the order of its input there.
 */
function fromRanks(args: ConcentrationArgs & { ranked: string }, rank: string): Query {
  const frame = 'OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)'
  const v = valueColumn(args.value)
  return {
    sql: `${createTempTableAs('duckdb', sqlIdent(args.ranked))}
${exactRunning(`SELECT row_number() OVER () AS rn, value, revenue, orders, ${runningSums(frame)}
FROM (SELECT CAST(${v} AS DOUBLE PRECISION) AS value, revenue, orders
  FROM ${sqlIdent(args.table)} WHERE ${v} IS NOT NULL ORDER BY ${sqlIdent(rank)}) s`)}`,
  }
}
