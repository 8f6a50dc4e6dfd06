// The observed side of the cohort tracking curve: repeat purchase days of the summarized customers
// per period since the cohort's first purchase, counted by the engine over the orders.
import { UsageError } from '../../errors.ts'
import type { Dialect, Query } from '../engine.ts'
import { sqlDate, sqlIdent } from './customer-summary.ts'

export interface TrackingArgs {
  readonly summary: string
  /** Day period 1 starts (the cohort's first purchase day). */
  readonly start: string
  /** Last day counted (the last order day). */
  readonly end: string
  readonly unitDays: number
  readonly source?: string
}

/**
 * Repeat purchases per period: distinct (customer, day) with an order (amount >= 0) after the
 * customer's first purchase day, up to `end`, for customers of the summary; period =
 * 1 + floor(days since start / unit). Rows (period, purchases), empty periods omitted.
 * (A day whose orders were all refunded still counts here; the summary's x does not count it.)
 */
export function trackingActual(_dialect: Dialect, args: TrackingArgs): Query {
  const s = sqlIdent(args.summary)
  const o = sqlIdent(args.source ?? 'orders')
  if (!(args.unitDays > 0)) throw new UsageError('unit days must be positive')
  const start = `DATE '${sqlDate(args.start)}'`
  const end = `DATE '${sqlDate(args.end)}'`
  return {
    sql: `
WITH days AS (
  SELECT DISTINCT o.customer_id, o.order_date
  FROM ${o} o JOIN ${s} s ON s.customer_id = o.customer_id
  WHERE o.amount >= 0 AND o.order_date > s.first_purchase AND o.order_date <= ${end}
)
SELECT CAST(1 + floor(date_diff('day', ${start}, order_date) / ${args.unitDays.toString()}) AS INTEGER)
    AS period,
  count(*) AS purchases
FROM days GROUP BY 1 ORDER BY 1`,
  }
}

/** Births: (first purchase - start) in units, with the number of customers born then. */
export function trackingBirths(_dialect: Dialect, args: TrackingArgs): Query {
  const start = `DATE '${sqlDate(args.start)}'`
  return {
    sql: `SELECT CAST(date_diff('day', ${start}, first_purchase) / ${args.unitDays.toString()} AS DOUBLE) AS b,
  CAST(count(*) AS DOUBLE) AS n
FROM ${sqlIdent(args.summary)} GROUP BY 1 ORDER BY 1`,
  }
}
