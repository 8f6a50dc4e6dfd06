// The observed side of the cohort tracking curve: repeat purchase days of the summarized customers
// per period since the cohort's first purchase, counted by the engine over the orders. Counting
// distinct (customer, day) pairs of 10M orders is the costly part; without refunds or a holdout
// the summary says which customers ever ordered twice on one day, and only they are deduplicated.
import { UsageError } from '../../errors.ts'
import type { Dialect, Query } from '../engine.ts'
import { refundedOrders, sqlDate, sqlIdent, toDecimal, toDouble } from './customer-summary.ts'

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
 * Repeat purchases per period: purchase days after the customer's first purchase day, up to
 * `end`, for customers of the summary, counted as the summary counts them (a refund is netted into
 * the day of the order it names, for an order up to the summary's as-of date only once it has
 * happened by then; a day whose orders were refunded in full is no purchase day), so the curve's
 * total is the summary's x + x_star; period = 1 + floor(days since start / unit).
 * Rows (period, purchases), empty periods omitted.
 */
export function trackingActual(_dialect: Dialect, args: TrackingArgs): Query {
  const s = sqlIdent(args.summary)
  const o = sqlIdent(args.source ?? 'orders')
  if (!(args.unitDays > 0)) throw new UsageError('unit days must be positive')
  const start = `DATE '${sqlDate(args.start)}'`
  const end = `DATE '${sqlDate(args.end)}'`
  return {
    sql: `
WITH as_of AS (
  -- the summary's as-of date (every row's first purchase + tenure): the summary carries it, and
  -- the curve must split calibration from holdout where the summary did
  SELECT max(first_purchase + tenure_days) AS day FROM ${s}
),
refunds AS (
  SELECT customer_id, order_id, order_date, amount FROM ${o}
  WHERE amount < 0 AND order_id IS NOT NULL
),
refunded AS (${refundedOrders(o, 'refunds')}),
-- the refunds the summary nets: of an order up to the as-of date only those dated by then (x: a
-- later one is not known at the as-of date; netted, it took a calibration purchase day off the
-- curve), of a later order all of them (x_star), even those after the end (the last order day)
known AS (
  SELECT r.customer_id, r.order_id, d.day, d.amount AS order_amount, r.amount
  FROM refunds r
  JOIN refunded d ON d.customer_id = r.customer_id AND d.order_id = r.order_id
  CROSS JOIN as_of a
  WHERE d.day > a.day OR r.order_date <= a.day
),
-- orders whose known refunds take back their whole amount are no orders (the summary's
-- cancelled ones), and what refunds give back beyond it is off the customer, not the day's orders
cancelled AS (
  SELECT customer_id, order_id, day,
    ${toDouble(`-(${toDecimal('order_amount', 38)} + sum(${toDecimal('amount', 38)}))`)} AS excess
  FROM known
  GROUP BY customer_id, order_id, day, order_amount
  HAVING ${toDecimal('order_amount', 38)} + sum(${toDecimal('amount', 38)}) <= 0
),
lines AS (
  SELECT o.customer_id, o.order_date AS day, o.amount,
    CASE WHEN c.order_id IS NULL THEN 1 ELSE 0 END AS is_order, 0 AS is_refund
  FROM ${o} o LEFT JOIN cancelled c ON c.customer_id = o.customer_id AND c.order_id = o.order_id
  WHERE o.amount >= 0 AND o.order_date <= ${end}
  UNION ALL
  SELECT customer_id, day, amount, 0, 1 FROM known
  UNION ALL
  SELECT customer_id, day, excess, 0, 0 FROM cancelled WHERE excess > 0
),
days AS (
  -- purchase days as the summary counts them: a day whose orders were refunded in full is none
  SELECT l.customer_id, l.day AS order_date
  FROM lines l JOIN ${s} s ON s.customer_id = l.customer_id
  WHERE l.day > s.first_purchase AND l.day <= ${end}
  GROUP BY 1, 2
  HAVING sum(l.is_order) > 0
    AND (sum(${toDecimal('l.amount')}) > 0 OR sum(l.is_refund) = 0
      OR count(*) FILTER (WHERE l.is_order = 1 AND l.amount = 0) > 0)
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

const periodOf = (start: string, unitDays: number, day: string): string =>
  `CAST(1 + floor(date_diff('day', ${start}, ${day}) / ${unitDays.toString()}) AS INTEGER)`

/**
 * Row counts per day (`counted`: a query with columns d, n) summed per period: the period
 * expression is evaluated once per distinct day rather than once per order row (10M orders: the
 * per-row date arithmetic was most of the scan).
 */
const perPeriod = (start: string, unitDays: number, counted: string): string =>
  `SELECT ${periodOf(start, unitDays, 'd')} AS period, sum(n) AS n FROM (${counted}) per_day GROUP BY 1`

/**
 * The same rows as {@link trackingActual}, without deduplicating every (customer, day): order rows
 * per period, minus each customer's first purchase day, minus the extra rows of days with several
 * orders, found only among customers whose summary has more orders than purchase days.
 * Exact only when the source has no refund rows (every day with an order is a purchase day, and
 * `orders` counts a customer's rows) and no order is after the summary's as-of date, which must
 * be `end` (every customer with an order is then in the summary); the caller checks both and that
 * the total equals the summary's repeat purchase days.
 */
export function trackingActualNoRefunds(_dialect: Dialect, args: TrackingArgs): Query {
  const s = sqlIdent(args.summary)
  const o = sqlIdent(args.source ?? 'orders')
  if (!(args.unitDays > 0)) throw new UsageError('unit days must be positive')
  const start = `DATE '${sqlDate(args.start)}'`
  const end = `DATE '${sqlDate(args.end)}'`
  const period = (counted: string) => perPeriod(start, args.unitDays, counted)
  return {
    sql: `
WITH order_rows AS (
  ${period(`SELECT order_date AS d, count(*) AS n FROM ${o}
    WHERE amount >= 0 AND order_date <= ${end} GROUP BY 1`)}
),
firsts AS (
  ${period(`SELECT first_purchase AS d, count(*) AS n FROM ${s} GROUP BY 1`)}
),
-- a small semi join: few customers order twice on one day
repeated AS (SELECT customer_id FROM ${s} WHERE orders > purchase_days),
extra AS (
  ${period(`SELECT order_date AS d, sum(k - 1) AS n
    FROM (
      SELECT o.customer_id, o.order_date, count(*) AS k
      FROM ${o} o JOIN repeated r ON r.customer_id = o.customer_id
      WHERE o.amount >= 0 AND o.order_date <= ${end}
      GROUP BY 1, 2
    ) t
    GROUP BY 1`)}
),
counted AS (
  SELECT a.period, CAST(a.n - coalesce(f.n, 0) - coalesce(e.n, 0) AS BIGINT) AS purchases
  FROM order_rows a
  LEFT JOIN firsts f ON f.period = a.period
  LEFT JOIN extra e ON e.period = a.period
)
SELECT period, purchases FROM counted WHERE purchases > 0 ORDER BY 1`,
  }
}

/** Column n: order rows with a negative amount (refunds) in the source. */
export function refundRows(_dialect: Dialect, args: { source?: string }): Query {
  return { sql: `SELECT count(*) AS n FROM ${sqlIdent(args.source ?? 'orders')} WHERE amount < 0` }
}
