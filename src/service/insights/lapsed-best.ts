// Lapsed best: the query selects and ranks in the engine; JS keeps the head of the list and the
// totals. The whole list goes to lapsed_best.csv by COPY from the same query.
import type { Query } from '../../data/engine.ts'
import { exactSum } from '../../data/queries/customer-summary.ts'
import {
  insightsLapsedBest,
  LAPSED_THEN_DAYS,
  LAPSED_THEN_IDS,
  lapsedCutoff,
  lapsedRefundedLater,
} from '../../data/queries/insights-lapsed-best.ts'
import { insightsPurchaseDays } from '../../data/queries/insights-purchase-days.ts'
import { has, type InsightsContext, num } from './context.ts'
import type { LapsedBest, LapsedCustomer } from './types.ts'

/** Days of silence below which nobody is called lapsed, whatever their usual gap. */
export const MIN_SILENCE_DAYS = 60

export const INSIGHTS_LAPSED = 'insights_lapsed'

/** The lapsed-best list, once {@link lapsedBest} has materialised it (for the CSV and tests). */
export function lapsedQuery(_ctx: InsightsContext): Query {
  return {
    sql: `SELECT * FROM ${INSIGHTS_LAPSED} ORDER BY value_at_stake DESC, purchases_a_year DESC, customer_id`,
  }
}

/**
 * Customers in the top cohort or the top value tier now, or in the top share by revenue up to
 * `lapsedMonths` ago, whose P(alive) (when a model provided it) is below the threshold, or whose
 * days since the last order exceed lapsedGapFactor × their own median gap between purchase days (and at least 60 days);
 * ranked by value at stake = historical annual value, revenue × 365.25 / max(tenure, 365).
 */
export async function lapsedBest(ctx: InsightsContext): Promise<LapsedBest> {
  const { engine, opts } = ctx
  // "top then" ranks revenue as known at the cutoff: the days of customers with a refund dated
  // after it are made again as of the cutoff (few customers: their orders only)
  await engine.exec(
    lapsedRefundedLater(engine.dialect, { asOf: opts.asOf, months: opts.lapsedMonths }),
  )
  await engine.exec(
    insightsPurchaseDays(engine.dialect, {
      asOf: lapsedCutoff(opts.asOf, opts.lapsedMonths),
      table: LAPSED_THEN_DAYS,
      customers: `SELECT customer_id FROM ${LAPSED_THEN_IDS}`,
    }),
  )
  // materialised once: the count, the head of the list and the CSV all read it
  const sel = insightsLapsedBest(engine.dialect, {
    asOf: opts.asOf,
    months: opts.lapsedMonths,
    topShare: opts.topShare,
    gapFactor: opts.lapsedGapFactor,
    minSilenceDays: MIN_SILENCE_DAYS,
    pAliveThreshold: opts.pAliveThreshold,
    tiers: has(ctx, opts.table, 'tier'),
  })
  await engine.exec(`CREATE OR REPLACE TEMP TABLE ${INSIGHTS_LAPSED} AS ${sel.sql}`)
  const q = lapsedQuery(ctx)
  const [tot] = await engine.query<{ n: number; stake: number | null; purchases: number | null }>({
    // exact sums: the totals must not change in their last digits from run to run
    sql: `SELECT count(*) AS n, ${exactSum('value_at_stake')} AS stake,
      ${exactSum('purchases_a_year', { scale: 9 })} AS purchases FROM (${q.sql})`,
    params: q.params,
  })
  const rows = await engine.query({
    sql: `SELECT * FROM (${q.sql}) LIMIT ${Math.max(1, opts.listSize * 2)}`,
    params: q.params,
  })
  const pAlive = has(ctx, opts.table, 'p_alive')
  if (!pAlive) {
    ctx.notes.push(
      'No p_alive column: lapsed best customers are found by their silence against their own usual gap only.',
    )
  }
  const list: LapsedCustomer[] = rows.map((r) => ({
    customerId: String(r.customer_id),
    value: Number(r.value),
    revenue: Number(r.revenue),
    lastPurchase: String(r.last_purchase),
    daysSinceLast: Number(r.days_since_last),
    usualGap: num(r.usual_gap),
    pAlive: num(r.p_alive),
    tier: r.tier === null || r.tier === undefined ? null : String(r.tier),
    valueAtStake: Number(r.value_at_stake),
    purchasesAtStake: Number(r.purchases_a_year),
    reason: r.reason as LapsedCustomer['reason'],
  }))
  return {
    months: opts.lapsedMonths,
    gapFactor: opts.lapsedGapFactor,
    pAliveThreshold: pAlive ? opts.pAliveThreshold : null,
    customers: tot?.n ?? 0,
    valueAtStake: tot?.stake ?? 0,
    purchasesAtStake: tot?.purchases ?? 0,
    priced: ctx.priced,
    list,
  }
}
