// Lapsed best customers, selected in one pass: top now or top at the cutoff (N months ago), and
// silent for longer than k × their own median gap (or a low p_alive when a model supplied it).
import { monthsBefore } from '../../core/calendar.ts'
import type { Dialect, Query } from '../engine.ts'
import { sqlDate, toDecimal, toDouble } from './customer-summary.ts'
import { INSIGHTS_BASE } from './insights-base.ts'
import { INSIGHTS_DAYS } from './insights-purchase-days.ts'

export interface LapsedBestArgs {
  readonly asOf: string
  /** Top cohort "within the last N months": top now, or top by revenue up to asOf − months. */
  readonly months: number
  readonly topShare: number
  /** Silence longer than factor × usual gap counts as lapsed. */
  readonly gapFactor: number
  /** ...and at least this many days (customers who buy daily are not lapsed after 4 days). */
  readonly minSilenceDays: number
  readonly pAliveThreshold: number
  /** insights_base has tiers: members of the top tier (that of the most valuable customer) count. */
  readonly tiers?: boolean
}

/** Customers whose refunds dated after the cutoff change their purchase days up to it. */
export const LAPSED_THEN_IDS = 'insights_lapsed_then_ids'
/** Those customers' purchase days as known at the cutoff (insightsPurchaseDays at it). */
export const LAPSED_THEN_DAYS = 'insights_lapsed_then_days'

/**
 * The cutoff of "top then": `months` calendar months before asOf, on the last day of its month
 * when asOf's day is past it (2025-08-31 less 6 months is 2025-02-28), as the engine's date
 * arithmetic has it.
 */
export function lapsedCutoff(asOf: string, months: number): string {
  return monthsBefore(sqlDate(asOf), Math.max(0, Math.trunc(months)))
}

/**
 * CREATE TEMP TABLE LAPSED_THEN_IDS (cidx, customer_id): the customers of insights_base with a
 * refund row dated after the cutoff and by asOf: known at asOf, not at the cutoff, it may have
 * lowered (or, refunding an order in full, taken away) a purchase day up to the cutoff.
 */
export function lapsedRefundedLater(
  _dialect: Dialect,
  args: { asOf: string; months: number },
): Query {
  const cutoff = lapsedCutoff(args.asOf, args.months)
  return {
    sql: `CREATE OR REPLACE TEMP TABLE ${LAPSED_THEN_IDS} AS
SELECT DISTINCT b.cidx, b.customer_id FROM orders o JOIN ${INSIGHTS_BASE} b ON b.customer_id = o.customer_id
WHERE o.amount < 0 AND o.order_date > DATE '${cutoff}' AND o.order_date <= DATE '${sqlDate(args.asOf)}'`,
  }
}

/**
 * SELECT of every lapsed best customer, most value at stake first: customer_id, value, revenue,
 * past_revenue (up to the cutoff, summed exactly, to the cent), top_now, top_then, tier,
 * top_tier, last_purchase, days_since_last, usual_gap (median days between purchase days), gap_ratio, p_alive, predicted_value, annual_value
 * (revenue × 365.25 / max(tenure_days, 365)), value_at_stake (= annual_value),
 * purchases_a_year (purchase days × 365.25 / max(tenure_days, 365)), reason
 * ('p_alive' / 'gap' / 'both'). The past top share is ranked by revenue up to the cutoff, then
 * by purchase days (all that ranks them when the orders carry no amounts).
 */
export function insightsLapsedBest(_dialect: Dialect, args: LapsedBestArgs): Query {
  const cutoff = `DATE '${lapsedCutoff(args.asOf, args.months)}'`
  const k = Number(args.gapFactor)
  const minDays = Math.max(0, Math.trunc(args.minSilenceDays))
  const pa = Number(args.pAliveThreshold)
  const share = Number(args.topShare)
  // the top tier is the tier of the most valuable customer (tiers are ordered by value)
  const topTier = args.tiers
    ? `coalesce(b.tier = (SELECT arg_max(tier, value) FROM ${INSIGHTS_BASE} WHERE tier IS NOT NULL),
        false)`
    : 'false'
  return {
    sql: `
WITH days AS (SELECT cidx, day, spend FROM ${INSIGHTS_DAYS} WHERE purchase),
gaps AS (
  SELECT cidx, date_diff('day', lag(day) OVER (PARTITION BY cidx ORDER BY day), day) AS gap
  FROM days
),
g AS (SELECT cidx, median(gap) AS usual_gap FROM gaps WHERE gap IS NOT NULL GROUP BY 1),
past AS (
  -- an exact sum in cents: a sum of doubles would change in its last digits with the order the
  -- engine's threads add the days in, and lapsed_best.csv with it from run to run.
  -- The days as known at the cutoff: a refund dated after it is not known then, so the customers
  -- with one (LAPSED_THEN_IDS) take their days from LAPSED_THEN_DAYS, made at the cutoff.
  -- Revenue as the summary at the cutoff counts it: the purchase days' spend and the refunds
  -- that name no order (unlinked, on any day), of the customers with a purchase day by then
  SELECT cidx,
    round(${toDouble(`coalesce(sum(${toDecimal('spend', 38)}) FILTER (WHERE purchase), 0) + coalesce(sum(${toDecimal('unlinked', 38)}), 0)`)}, 2)
      AS past_revenue,
    count(*) FILTER (WHERE purchase) AS past_days
  FROM (
    SELECT cidx, day, spend, unlinked, purchase FROM ${INSIGHTS_DAYS}
    WHERE day <= ${cutoff} AND cidx NOT IN (SELECT cidx FROM ${LAPSED_THEN_IDS})
    UNION ALL
    SELECT cidx, day, spend, unlinked, purchase FROM ${LAPSED_THEN_DAYS} WHERE day <= ${cutoff}
  ) GROUP BY 1
  HAVING bool_or(purchase)
),
past_ranked AS (
  -- cidx follows customer_id order, so it breaks ties as the customer id would
  SELECT cidx, past_revenue,
    -- equal revenue (every one 0 in a log without amounts): more purchase days first
    row_number() OVER (ORDER BY round(past_revenue, 6) DESC, past_days DESC, cidx) AS r,
    count(*) OVER () AS n
  FROM past
),
was_top AS (
  SELECT cidx, past_revenue FROM past_ranked WHERE r <= greatest(1, floor(${share} * n))
),
c AS (
  SELECT b.customer_id, b.value, b.revenue, coalesce(pr.past_revenue, 0) AS past_revenue,
    b.top AS top_now, w.cidx IS NOT NULL AS top_then, b.tier, ${topTier} AS top_tier,
    b.last_purchase, b.days_since_last, g.usual_gap,
    b.days_since_last / nullif(g.usual_gap, 0) AS gap_ratio,
    b.p_alive, b.predicted_value,
    b.revenue * 365.25 / greatest(b.tenure_days, 365) AS annual_value,
    b.purchase_days * 365.25 / greatest(b.tenure_days, 365) AS purchases_a_year,
    b.p_alive IS NOT NULL AND b.p_alive < ${pa} AS low_alive,
    g.usual_gap IS NOT NULL AND b.days_since_last > greatest(${k} * g.usual_gap, ${minDays})
      AS long_gap
  FROM ${INSIGHTS_BASE} b
  LEFT JOIN was_top w ON w.cidx = b.cidx
  -- everyone's revenue up to the cutoff, not only the top's then (top now or by tier too)
  LEFT JOIN past pr ON pr.cidx = b.cidx
  LEFT JOIN g ON g.cidx = b.cidx
  WHERE b.top OR w.cidx IS NOT NULL OR ${topTier}
)
SELECT customer_id, value, revenue, past_revenue, top_now, top_then, tier, top_tier,
  strftime(last_purchase, '%Y-%m-%d') AS last_purchase, days_since_last, usual_gap, gap_ratio,
  p_alive, predicted_value, annual_value, annual_value AS value_at_stake, purchases_a_year,
  CASE WHEN low_alive AND long_gap THEN 'both' WHEN low_alive THEN 'p_alive' ELSE 'gap' END
    AS reason
FROM c WHERE low_alive OR long_gap
ORDER BY value_at_stake DESC, purchases_a_year DESC, customer_id
`,
  }
}
