// One statement builds the per-customer summary from `orders`: every per-row step (refund linking,
// day grouping, calibration/holdout split) is a set operation in the engine, never a JS loop.
// Values are inlined after validation because DDL (CREATE TABLE AS) cannot take parameters.
import { isCalendarDay } from '../../core/calendar.ts'
import { UsageError } from '../../errors.ts'
import type { Dialect, Query } from '../engine.ts'

export type TimeUnit = 'day' | 'week' | 'month'

/** Days per unit. A month is the mean Gregorian month, 365.25 / 12 = 30.4375 days. */
export const UNIT_DAYS: Readonly<Record<TimeUnit, number>> = { day: 1, week: 7, month: 30.4375 }

export interface CustomerSummaryArgs {
  /** Name of the table to create (replaced if it exists). */
  readonly table: string
  /** Calibration end, inclusive, as YYYY-MM-DD. */
  readonly asOf: string
  readonly unit: TimeUnit
  /** Source table of orders (default `orders`). */
  readonly source?: string
  /**
   * The caller checked that no order row is a refund (amount < 0). Every (customer, day) with an
   * order is then a purchase day, and the days come from one GROUP BY of the orders, without the
   * refund linking (a union and two joins): the same rows, in less than half the time.
   */
  readonly noRefunds?: boolean
  /** The caller checked that no order row has a margin: no margin sums (all would be NULL). */
  readonly noMargin?: boolean
  /**
   * The caller checked that no order row is dated after `asOf`. With `noRefunds` too, every day
   * row is a calibration purchase day and the per-customer aggregates need no FILTER.
   */
  readonly noHoldout?: boolean
}

/**
 * Money is summed as DECIMAL(18,6) (exact, whatever the order of adding): an amount must stay
 * below 10^12 in size, which the importer and the API check against this.
 */
export const MAX_MONEY = 1e12

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

/**
 * Money past a billion in size: DuckDB converts between DOUBLE and DECIMAL(p,6) through the
 * scaled integer in double arithmetic, which is exact only while value × 10^6 stays far below
 * 2^53; an order of 999999999999 was stored as 999999999999.000061 and printed as
 * 999999999999.0001. Past the bound the conversion goes through the shortest decimal text of the
 * value, which is exact; below it (every order and most totals) it stays a plain cast.
 */
const EXACT_CAST_BOUND = '1e9'

/** SQL: DOUBLE `expr` as DECIMAL(precision, scale), exactly (see EXACT_CAST_BOUND). */
export const toDecimal = (expr: string, precision = 18, scale = 6): string =>
  `CASE WHEN abs(${expr}) < ${EXACT_CAST_BOUND} THEN CAST(${expr} AS DECIMAL(${precision},${scale})) ELSE CAST(CAST(${expr} AS VARCHAR) AS DECIMAL(${precision},${scale})) END`

/** SQL: DECIMAL `expr` as the DOUBLE nearest to it (see EXACT_CAST_BOUND). */
export const toDouble = (expr: string): string =>
  `CASE WHEN abs(${expr}) < ${EXACT_CAST_BOUND} THEN CAST(${expr} AS DOUBLE PRECISION) ELSE CAST(CAST(${expr} AS VARCHAR) AS DOUBLE PRECISION) END`

/**
 * SQL: the sum of a DOUBLE column as a DOUBLE, added up exactly (each value rounded to `scale`
 * decimals first). A parallel sum of doubles depends on the order the threads add them in: its
 * last bits, and every figure computed from it, would differ from run to run.
 */
export const exactSum = (expr: string, opts: { scale?: number; filter?: string } = {}): string =>
  toDouble(
    `sum(${toDecimal(expr, 38, opts.scale ?? 6)})${opts.filter ? ` FILTER (WHERE ${opts.filter})` : ''}`,
  )

/** Check a table name before it is spliced into SQL. Throws UsageError. */
export function sqlIdent(name: string): string {
  if (!IDENT.test(name)) throw new UsageError(`invalid table name: ${JSON.stringify(name)}`)
  return name
}

/** Check a YYYY-MM-DD date (and that it exists on the calendar). Throws UsageError. */
export function sqlDate(d: string): string {
  if (!ISO_DATE.test(d))
    throw new UsageError(`invalid date ${JSON.stringify(d)}: expected YYYY-MM-DD`)
  if (!isCalendarDay(d)) {
    throw new UsageError(`invalid date ${JSON.stringify(d)}: there is no such day in the calendar`)
  }
  return d
}

/**
 * SQL body: (customer_id, margin_rate) of the customers of `refunds` (a relation of refund rows):
 * their margin over the amount of their order rows dated on or before `asOf` (a SQL date), when
 * every one of those has a margin and they paid more than 0; else NULL. What a refund naming no
 * stored order takes back. Orders after `asOf` are not known at it: they would move the margin of
 * the summary at `asOf` as they arrive.
 */
export function customerMarginRates(source: string, refunds: string, asOf: string): string {
  return `
  SELECT customer_id,
    CASE WHEN count(margin) = count(*) AND sum(amount) > 0
      THEN sum(margin) / sum(amount) END AS margin_rate
  FROM ${source}
  WHERE amount >= 0 AND order_date <= ${asOf}
    AND customer_id IN (SELECT customer_id FROM ${refunds})
  GROUP BY customer_id
`
}

/**
 * The body of a CTE (customer_id, order_id, day, amount): the day of each order that a row of the
 * CTE `refunds` (customer_id, order_id) refunds, the day its refunds are netted into, and the
 * order's amount; with
 * `marginRate`, also margin_rate, the order's margin / amount when every row of it has a margin
 * (a refund gives back that share of its amount in margin). The one refund linking of the summary,
 * the tracking curve and the insights' purchase days. A small join: refunds are few.
 */
export function refundedOrders(source: string, refunds: string, marginRate = false): string {
  const rate = marginRate
    ? `,
    CASE WHEN count(o.margin) = count(*) AND sum(o.amount) > 0
      THEN sum(o.margin) / sum(o.amount) END AS margin_rate`
    : ''
  return `
  SELECT o.customer_id, o.order_id, min(o.order_date) AS day, sum(o.amount) AS amount${rate}
  FROM ${sqlIdent(source)} o
  -- DISTINCT keys make this join a semi join
  JOIN (SELECT DISTINCT customer_id, order_id FROM ${refunds} WHERE order_id IS NOT NULL) r
    ON o.customer_id = r.customer_id AND o.order_id = r.order_id
  WHERE o.amount >= 0
  GROUP BY o.customer_id, o.order_id
`
}

/**
 * The body of a CTE (customer_id, day, excess): each order of `refunded` (refundedOrders) whose
 * refunds in `refunds` (customer_id, order_id, amount) give back more than its amount (150 of
 * 100), with the excess (50, a DOUBLE added up exactly). The excess comes off the customer's
 * revenue as a refund naming no order does, not off the spend of the day's other orders: a paid
 * order of that day stays a purchase. `where`: a condition on the refunded order `d`.
 */
export function overRefunds(refunds: string, refunded: string, where = 'true'): string {
  const net = `${toDecimal('d.amount', 38)} + sum(${toDecimal('r.amount', 38)})`
  return `
  SELECT d.customer_id, d.day, ${toDouble(`-(${net})`)} AS excess
  FROM ${refunds} r JOIN ${refunded} d ON d.customer_id = r.customer_id AND d.order_id = r.order_id
  WHERE ${where}
  GROUP BY d.customer_id, d.order_id, d.day, d.amount
  HAVING ${net} < 0
`
}

/**
 * CREATE OR REPLACE TEMP TABLE <table>: one row per customer whose first purchase day is on or
 * before `asOf`. Rules (docs/summary.md):
 * - a purchase day is a calendar day (order_date) with at least one order row (amount >= 0);
 *   several orders on one day are one transaction with their spend summed;
 * - a refund row (amount < 0) whose (customer_id, order_id) matches an order is netted into that
 *   order's day; it counts for the calibration only once it has happened (its own date <= asOf);
 *   an unlinked refund lowers revenue on no day;
 * - a day whose net spend is <= 0 because of refunds (everything returned) is not a purchase day,
 *   unless a free order (amount 0) of it is kept; what refunds give back beyond their order's
 *   amount lowers revenue on no day (as an unlinked refund), not the day's other orders;
 * - x = purchase days - 1; t_x = (last - first) / unit when x > 0; T = (asOf - first) / unit;
 *   monetary = mean net spend of the repeat purchase days (0 when x = 0);
 * - x_star / holdout_revenue: purchase days and net spend after asOf;
 * - margin sums the known margins; a refund without a margin of its own takes back the margin
 *   rate of the order it refunds (when every row of that order has one), and one naming no stored
 *   order the customer's own rate (when every order row of theirs has one); margin_revenue is the net
 *   revenue of the rows whose margin is known (the value step prices the rest at its default
 *   margin rate).
 */
/**
 * The refund-free summary's per-customer figures in one GROUP BY of the orders (DuckDB): every
 * order is a purchase, so purchase days are the unique days of each period's list of days, and
 * the money sums are those of the day groups they replace (DECIMAL, exact, in any order).
 */
function refundFreeCustomers(
  source: string,
  asOf: string,
  args: CustomerSummaryArgs,
  allCal: boolean,
): string {
  const cal = allCal ? '' : ` FILTER (WHERE order_date <= ${asOf})`
  const held = ` FILTER (WHERE order_date > ${asOf})`
  const amount = toDecimal('amount')
  const none = 'CAST(NULL AS DECIMAL(18,6))'
  return `
  SELECT customer_id,
    min(order_date)${cal} AS first_purchase,
    max(order_date)${cal} AS last_purchase,
    coalesce(list_unique(list(order_date)${cal}), 0) AS purchase_days,
    sum(${amount})${cal} AS purchase_spend,
    count(*)${cal} AS orders,
    -- the earliest order's amount: the first day's spend when no two orders share a day
    arg_min(${amount}, order_date)${cal} AS first_amount,
    coalesce(sum(${amount})${cal}, 0) AS revenue,
    ${args.noMargin ? none : `sum(${toDecimal('margin')})${cal}`} AS margin,
    ${args.noMargin ? none : `sum(${amount}) FILTER (WHERE ${allCal ? '' : `order_date <= ${asOf} AND `}margin IS NOT NULL)`} AS margin_revenue,
    ${allCal ? '0' : `coalesce(list_unique(list(order_date)${held}), 0)`} AS x_star,
    ${allCal ? '0' : `coalesce(sum(${amount})${held}, 0)`} AS holdout_revenue
  FROM ${source}
  GROUP BY customer_id
`
}

export function customerSummary(dialect: Dialect, args: CustomerSummaryArgs): Query {
  const table = sqlIdent(args.table)
  const source = sqlIdent(args.source ?? 'orders')
  const asOf = `DATE '${sqlDate(args.asOf)}'`
  const unitDays = UNIT_DAYS[args.unit]
  if (unitDays === undefined) throw new UsageError(`invalid unit: ${String(args.unit)}`)
  const u = unitDays.toString()
  // PostgreSQL has neither CREATE OR REPLACE TABLE nor arg_min; the rest is portable SQL
  const pg = dialect === 'postgres'
  const create = pg
    ? `DROP TABLE IF EXISTS ${table.includes('.') ? table : `pg_temp.${table}`};
CREATE TEMP TABLE ${table} AS`
    : `CREATE OR REPLACE TEMP TABLE ${table} AS`
  const days = (from: string, to: string): string => `CAST(${to} - ${from} AS DOUBLE PRECISION)`
  const marginSum = args.noMargin ? 'CAST(NULL AS DECIMAL(18,6))' : `sum(${toDecimal('margin')})`
  // Without refunds or holdout every day row is a calibration purchase day: no FILTERs at all.
  const allCal = args.noRefunds === true && args.noHoldout === true
  const calPurchase = allCal ? '' : ' FILTER (WHERE cal AND purchase)'
  const calOnly = allCal ? '' : ' FILTER (WHERE cal)'
  const firstSpend = pg
    ? `(array_agg(spend ORDER BY day)${calPurchase})[1]`
    : `arg_min(spend, day)${calPurchase}`
  // Without refund rows, `lines` is the orders and every day is a purchase day (see flagged).
  const dayRows = args.noRefunds
    ? `days AS (
  SELECT customer_id, order_date AS day,
         sum(${toDecimal('amount')}) AS spend,
         ${marginSum} AS margin,
         ${args.noMargin ? 'CAST(NULL AS DECIMAL(18,6))' : `sum(${toDecimal('amount')}) FILTER (WHERE margin IS NOT NULL)`} AS margin_revenue,
         count(*) AS orders
  FROM ${source}
  GROUP BY customer_id, order_date
),
flagged AS (
  SELECT *, day <= ${asOf} AS cal, true AS purchase FROM days
)`
    : `refunds AS (
  SELECT customer_id, order_id, order_date, amount, margin
  FROM ${source} WHERE amount < 0
),
refunded_orders AS (${refundedOrders(source, 'refunds', true)}),${
        args.noMargin
          ? ''
          : `
-- a refund naming no stored order (or none) takes back the customer's own margin rate, when
-- every order row of theirs has a margin: unknown, it left 60 of margin on a customer who had
-- paid -20 net, and "revenue with a known cost" above their revenue
customer_rates AS (${customerMarginRates(source, 'refunds', asOf)}),`
      }
-- orders whose refunds known at the order's own period (by asOf for a calibration order) take
-- back their whole amount: cancelled or returned in full, no order of the customer's, even on a
-- day that has another (that day's spend nets them out all the same)
cancelled AS (
  SELECT ro.customer_id, ro.order_id, ro.day,
    -(${toDecimal('ro.amount', 38)} + sum(${toDecimal('r.amount', 38)})) AS excess
  FROM refunded_orders ro
  JOIN refunds r ON r.customer_id = ro.customer_id AND r.order_id = ro.order_id
  WHERE ro.day > ${asOf} OR r.order_date <= ${asOf}
  GROUP BY ro.customer_id, ro.order_id, ro.day, ro.amount
  -- exact: in doubles 30.51 - 15.25 - 15.26 is 3.6e-15, and an order refunded in two parts was
  -- still counted
  HAVING ${toDecimal('ro.amount')} + sum(${toDecimal('r.amount')}) <= 0
),
lines AS (
  -- money is summed as DECIMAL(18,6): exact, so the result does not depend on the order in
  -- which parallel threads add it (floating sums differ in the last bit from run to run)
  SELECT o.customer_id, o.order_date AS day, o.order_date AS dated,
         ${toDecimal('o.amount')} AS amount, ${toDecimal('o.margin')} AS margin,
         CASE WHEN c.order_id IS NULL THEN 1 ELSE 0 END AS is_order, 0 AS is_refund
  FROM ${source} o
  LEFT JOIN cancelled c ON c.customer_id = o.customer_id AND c.order_id = o.order_id
  WHERE o.amount >= 0
  UNION ALL
  SELECT r.customer_id, ro.day, r.order_date,
         ${toDecimal('r.amount')},
         ${toDecimal(args.noMargin ? 'coalesce(r.margin, r.amount * ro.margin_rate)' : 'coalesce(r.margin, r.amount * CASE WHEN ro.customer_id IS NULL THEN cr.margin_rate ELSE ro.margin_rate END)')}, 0, 1
  FROM refunds r LEFT JOIN refunded_orders ro
    ON r.customer_id = ro.customer_id AND r.order_id = ro.order_id${
      args.noMargin
        ? ''
        : `
  LEFT JOIN customer_rates cr ON cr.customer_id = r.customer_id`
    }
  -- refunds beyond their order's amount (150 of 100): the excess is given back to the order's day
  -- and taken off on no day, as a refund naming no order is, so the day's other paid orders keep
  -- it a purchase day (its margin stays with the refunds)
  UNION ALL
  SELECT customer_id, day, day, CAST(excess AS DECIMAL(18,6)), CAST(NULL AS DECIMAL(18,6)), 0, 0
  FROM cancelled WHERE excess > 0
  UNION ALL
  SELECT customer_id, NULL, day, CAST(-excess AS DECIMAL(18,6)), CAST(NULL AS DECIMAL(18,6)), 0, 0
  FROM cancelled WHERE excess > 0
),
days AS (
  SELECT customer_id, day,
         coalesce(day, dated) <= ${asOf} AS cal,
         sum(amount) AS spend,
         ${args.noMargin ? 'CAST(NULL AS DECIMAL(18,6))' : 'sum(margin)'} AS margin,
         ${args.noMargin ? 'CAST(NULL AS DECIMAL(18,6))' : 'sum(amount) FILTER (WHERE margin IS NOT NULL)'} AS margin_revenue,
         sum(is_order) AS orders,
         sum(is_refund) AS refunds,
         count(*) FILTER (WHERE is_order = 1 AND amount = 0) AS free
  FROM lines
  -- a refund dated after asOf of a calibration-period order is not yet known at asOf
  WHERE NOT (is_refund = 1 AND day IS NOT NULL AND day <= ${asOf} AND dated > ${asOf})
  GROUP BY customer_id, day, coalesce(day, dated) <= ${asOf}
),
-- a day of orders kept is a purchase day unless refunds took its spend to nothing; a free order
-- (a sample) kept on it makes it one all the same, as on a day without refunds
flagged AS (
  SELECT *, (day IS NOT NULL AND orders > 0 AND (spend > 0 OR refunds = 0 OR free > 0)) AS purchase
  FROM days
)`
  // DuckDB without refunds: one GROUP BY of the orders by customer, not by (customer, day) first:
  // ten million day groups cost 2-4 s where the customer groups and their lists of days cost ~1 s.
  // Purchase days are the unique days of the list; the first day's spend is the earliest order's
  // amount when the customer has one order per purchase day, else the orders of that day, found by
  // a join for those customers (monetary's only use; ~5 % of the customers in the benchmark's
  // file, where joining every customer's first day cost ~0.9 s more at 10M orders).
  const perCustomer =
    args.noRefunds && !pg
      ? `customer_orders AS MATERIALIZED (${refundFreeCustomers(source, asOf, args, allCal)}),
first_days AS (
  SELECT o.customer_id, sum(${toDecimal('o.amount')}) AS first_spend
  FROM ${source} o
  JOIN (
    SELECT customer_id, first_purchase FROM customer_orders
    WHERE purchase_days > 1 AND orders > purchase_days
  ) f
    ON o.customer_id = f.customer_id AND o.order_date = f.first_purchase
  GROUP BY o.customer_id
),
per_customer AS (
  SELECT c.*, coalesce(f.first_spend, c.first_amount) AS first_spend
  FROM customer_orders c LEFT JOIN first_days f USING (customer_id)
)`
      : `${dayRows},
per_customer AS (
  SELECT customer_id,
    min(day)${calPurchase} AS first_purchase,
    max(day)${calPurchase} AS last_purchase,
    count(*)${calPurchase} AS purchase_days,
    sum(spend)${calPurchase} AS purchase_spend,
    ${firstSpend} AS first_spend,
    coalesce(sum(orders)${calPurchase}, 0) AS orders,
    coalesce(sum(spend)${calOnly}, 0) AS revenue,
    ${args.noMargin ? 'CAST(NULL AS DECIMAL(18,6))' : `sum(margin)${calOnly}`} AS margin,
    ${args.noMargin ? 'CAST(NULL AS DECIMAL(18,6))' : `sum(margin_revenue)${calOnly}`} AS margin_revenue,
    ${allCal ? '0' : 'count(*) FILTER (WHERE NOT cal AND purchase)'} AS x_star,
    ${allCal ? '0' : 'coalesce(sum(spend) FILTER (WHERE NOT cal), 0)'} AS holdout_revenue
  FROM flagged
  GROUP BY customer_id
)`
  return {
    sql: `
${create}
WITH ${perCustomer}
SELECT
  customer_id,
  CAST(purchase_days - 1 AS INTEGER) AS x,
  CASE WHEN purchase_days > 1
    THEN ${days('first_purchase', 'last_purchase')} / ${u} ELSE 0 END AS t_x,
  ${days('first_purchase', asOf)} / ${u} AS "T",
  CASE WHEN purchase_days > 1
    THEN ${toDouble('purchase_spend - first_spend')} / (purchase_days - 1)
    ELSE 0 END AS monetary,
  first_purchase,
  last_purchase,
  CAST(purchase_days AS INTEGER) AS purchase_days,
  CAST(purchase_days - 1 AS INTEGER) AS repeat_purchase_days,
  CAST(orders AS INTEGER) AS orders,
  ${toDouble('revenue')} AS revenue,
  ${toDouble('margin')} AS margin,
  ${toDouble('revenue')} / orders AS aov,
  CAST(${asOf} - last_purchase AS INTEGER) AS days_since_last,
  CAST(${asOf} - first_purchase AS INTEGER) AS tenure_days,
  CAST(x_star AS INTEGER) AS x_star,
  ${toDouble('holdout_revenue')} AS holdout_revenue,
  ${toDouble('margin_revenue')} AS margin_revenue
FROM per_customer
WHERE first_purchase IS NOT NULL
`,
  }
}

/** A whole-number customer id (what natural order sorts by value), on both engines. */
const WHOLE_NUMBER = '[+-]?[0-9]{1,38}'

/**
 * Natural customer order: whole-number ids by value, then the others as text. Used by every
 * listing so that exports line up with the source files. Only whole numbers, as on PostgreSQL:
 * DuckDB's cast alone read '2.6' as 3 and '1e3' as 1000 (no slower for 1M ids: the regex is
 * cheaper than the failed cast of a text id).
 */
export const NATURAL_CUSTOMER_ORDER = `CASE WHEN regexp_full_match(customer_id, '${WHOLE_NUMBER}')
    THEN TRY_CAST(customer_id AS HUGEINT) END NULLS LAST, length(customer_id), customer_id`

/**
 * NATURAL_CUSTOMER_ORDER for a dialect. PostgreSQL has no TRY_CAST, and its text order follows
 * the database's locale: COLLATE "C" gives DuckDB's byte order.
 */
export function naturalCustomerOrder(dialect: Dialect): string {
  if (dialect !== 'postgres') return NATURAL_CUSTOMER_ORDER
  return `CASE WHEN customer_id ~ '^${WHOLE_NUMBER}$' THEN CAST(customer_id AS NUMERIC) END
    NULLS LAST, length(customer_id), customer_id COLLATE "C"`
}
