// `loyals customer ID`: one customer's full profile. Percentiles, tiers and referral values only
// mean something against every customer, so the whole analysis runs (without writing files or
// touching the stored tier state) and this customer's row is read from it.

import { lookUpTyped } from '../core/customer-id.ts'
import type { RfmRules } from '../core/rfm-segments.ts'
import { roundHalfAway } from '../core/round.ts'
import type { ValueConfig } from '../core/value/config.ts'
import type { LoyaltyRule, LoyaltyType } from '../core/value/loyalty-type.ts'
import type { Reason } from '../core/value/reasons.ts'
import type { Engine, Row } from '../data/engine.ts'
import { customerAttributes } from '../data/queries/customer-attributes.ts'
import { customerKnown } from '../data/queries/customer-known.ts'
import { customerOrdersBy } from '../data/queries/customer-orders-by.ts'
import { customerOtherCase } from '../data/queries/customer-other-case.ts'
import { customerProfileRow } from '../data/queries/customer-profile-row.ts'
import { customerRecentOrders } from '../data/queries/customer-recent-orders.ts'
import { valueCustomerFeedback } from '../data/queries/value-customer-feedback.ts'
import { DataError, UsageError } from '../errors.ts'
import { formatMoney } from '../report/format.ts'
import { ANALYSIS_TABLE, computeAnalysis } from './analyze.ts'
import { requireEmbedded } from './embedded-only.ts'
import type { PredictOptions } from './predict.ts'
import { isAsOfGapNote, type TimeUnit } from './summary.ts'
import { unvaluedWork, type ValueRun } from './value.ts'
import type { MoneyBreakdown, TierSummary, TopReferrer, ValueSummary } from './value-summary.ts'

export interface CustomerProfileOptions {
  readonly asOf?: string
  readonly unit?: TimeUnit
  readonly rules?: RfmRules
  readonly config?: ValueConfig
  readonly currencyExplicit?: boolean
  /** The configuration's file, named by the currency error. */
  readonly configSource?: string
  readonly predictions?: PredictOptions | false
  /** Recent orders listed (default 10). */
  readonly recentOrders?: number
  /** Reasons listed (default 5). */
  readonly reasons?: number
}

export interface CustomerProfile {
  readonly customerId: string
  readonly asOf: string
  readonly currency: string | null
  /** Locale money is written in (the value configuration's, default en-US). */
  readonly locale: string
  readonly attributes: Readonly<Record<string, string | null>> | null
  readonly summary: {
    readonly firstPurchase: string
    readonly lastPurchase: string
    readonly orders: number
    readonly purchaseDays: number
    readonly revenue: number
    readonly margin: number | null
    readonly averageOrderValue: number | null
    readonly daysSinceLast: number
    readonly tenureDays: number
    readonly x: number
    readonly t_x: number
    readonly T: number
  }
  readonly rfm: {
    readonly r: number
    readonly f: number
    /** null when the orders carry no amounts (no monetary score). */
    readonly m: number | null
    readonly segment: string
  }
  readonly predictions: {
    readonly pAlive: number | null
    readonly expectedPurchases: number | null
    readonly expectedSpend: number | null
    readonly predictedValue: number | null
    readonly expectedNextPurchase: string | null
    readonly horizon: number
    readonly unit: TimeUnit
  } | null
  /**
   * The parts below down to `referrals` are null when the orders carry no amounts (a transaction
   * log of customer and date): `analyze` then values nobody in money (summary.revenue.measured).
   */
  readonly value:
    | (MoneyBreakdown & {
        /** 0-100: share of customers with a total value at or below this one. */
        readonly valuePercentile: number
      })
    | null
  readonly service: {
    readonly tickets: number
    readonly ticketMinutes: number
    readonly returns: number
    /** The latest NPS answer (0-10) on or before the as-of date. */
    readonly nps: number | null
    /** The latest CES answer (customer effort, 1-7), likewise. */
    readonly ces: number | null
    /** The latest CSAT answer (1-5), likewise. */
    readonly csat: number | null
    /** Mean satisfaction (1-5) of the tickets opened by then that were rated; null when none. */
    readonly ticketSatisfaction: number | null
    /** Tickets opened by then with a satisfaction rating. */
    readonly ticketsRated: number
    /** The latest survey comment (free text, as written) with the day it was given. */
    readonly comment: { readonly text: string; readonly date: string } | null
    readonly engagementScore: number | null
    readonly engagementPercentile: number | null
  } | null
  readonly tier: {
    readonly name: string
    readonly qualifiedTier: string
    readonly heldByGrace: boolean
    readonly graceLeft: number | null
    readonly graceUnit: 'days' | 'runs'
    readonly serviceLevel: TierSummary['serviceLevel']
    readonly perks: readonly string[]
    readonly outreach: 'personal' | 'automated'
  } | null
  readonly loyalty: { readonly type: LoyaltyType; readonly rule: LoyaltyRule } | null
  readonly reasons: readonly Reason[]
  readonly referrals: {
    readonly referredBy: string | null
    readonly direct: number
    readonly customers: number
    readonly tree: TopReferrer | null
  } | null
  readonly recentOrders: readonly {
    readonly orderId: string | null
    readonly date: string
    readonly amount: number
    readonly margin: number | null
    readonly discount: number | null
    readonly channel: string | null
    readonly campaign: string | null
    /** An order of 0 cancelled (failed, unpaid) before anything was paid: no purchase. */
    readonly cancelled: boolean
  }[]
  /**
   * What the as-of date does to these figures when it is after the last order in the data (the
   * gap counts as time without purchases), as analyze warns of it; else empty.
   */
  readonly warnings: readonly string[]
}

const n = (v: unknown): number => Number(v)
const nn = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))
const s = (v: unknown): string => String(v)
const day = (v: unknown): string => String(v).slice(0, 10)
/** An order's money as stored, to the micro-unit (no amount is finer), or null. */
const money = (v: unknown): number | null =>
  v === null || v === undefined ? null : roundHalfAway(Number(v), 6)

/**
 * The full profile of one customer: summary figures, RFM, predictions, value breakdown in money,
 * tier with its service level and perks, loyalty type, reasons, recent orders and referral tree.
 * It runs the analysis it needs, replacing the session's `customer_analysis` table (at its own
 * as-of date): run `computeAnalysis` again before `computeInsights` reads that table.
 * @example const p = await customerProfile(engine, 'C000265', {}); p.tier.name // 'Platinum'
 * @throws DataError when the workspace does not know the customer, or they have no purchase on
 *   or before the as-of date; UsageError on a store other than DuckDB (the server serves a
 *   PostgreSQL store's profiles); as `computeAnalysis` otherwise.
 */
export async function customerProfile(
  engine: Engine,
  asGiven: string,
  opts: CustomerProfileOptions = {},
): Promise<CustomerProfile> {
  requireEmbedded(engine, 'customerProfile')
  if (typeof asGiven !== 'string' || asGiven.trim() === '') {
    throw new UsageError('customerProfile needs a customer id (a non-empty string)')
  }
  for (const [name, v] of [
    ['recentOrders', opts.recentOrders],
    ['reasons', opts.reasons],
  ] as const) {
    // checked before the analysis runs: NaN reached the SQL as LIMIT NaN, a fraction was cut
    if (v !== undefined && !(Number.isSafeInteger(v) && v >= 0)) {
      throw new UsageError(
        `customerProfile's ${name} must be a whole number >= 0, got ${String(v)}`,
      )
    }
  }
  const d = engine.dialect
  const lookUp = async (id: string) =>
    (
      await engine.query<{
        orders: number
        records: number
        referred: number
        referred_ids: string | null
      }>(customerKnown(d, { customerId: id }))
    )[0]
  const found = (k: Awaited<ReturnType<typeof lookUp>>) =>
    k !== undefined && (n(k.orders) > 0 || n(k.records) > 0)
  // typed as the user knows it (Ann@X.com), stored as the importer spells it (ann@x.com)
  const { id: customerId, answer: known } = await lookUpTyped(asGiven, lookUp, found)
  if (!found(known)) {
    const referred = n(known?.referred)
    // a referrer known only from the referrals: say so, and whom they brought
    // ids match exactly: the same id in another case is said, not taken
    const cased =
      referred > 0
        ? []
        : (
            await engine.query<{ customer_id: string }>(
              customerOtherCase(d, { customerId, limit: 3 }),
            )
          ).map((r) => r.customer_id)
    const otherCase =
      cased.length > 0
        ? `; customer ids match exactly, and ${cased.join(', ')} ${cased.length === 1 ? 'differs' : 'differ'} from it only in case`
        : ''
    const brought =
      referred > 0
        ? `${referrerNote(customerId, known)}, but there is no order or customer record: import them to see a profile`
        : ''
    throw new DataError(
      `no customer '${customerId}' in the workspace ${engine.location}${brought}${otherCase}`,
      {
        customerId,
        referred,
      },
    )
  }
  let run: ValueRun | null = null
  const summary = await computeAnalysis(engine, {
    source: engine.location,
    ...(opts.asOf ? { asOf: opts.asOf } : {}),
    ...(opts.unit ? { unit: opts.unit } : {}),
    ...(opts.rules ? { rules: opts.rules } : {}),
    ...(opts.predictions !== undefined ? { predictions: opts.predictions } : {}),
    value: {
      ...(opts.config ? { config: opts.config } : {}),
      ...(opts.currencyExplicit ? { currencyExplicit: true } : {}),
      ...(opts.configSource ? { configSource: opts.configSource } : {}),
      persistTiers: false,
      onValue: (r) => {
        run = r
      },
    },
  })
  const [row] = await engine.query<Row>(
    customerProfileRow(d, { analysis: ANALYSIS_TABLE, customerId }),
  )
  if (!row) {
    // orders by then, yet no purchase day: refunds took every one of them back in full
    const [placed] = await engine.query<{ n: number; marks: number }>(
      customerOrdersBy(d, { customerId, asOf: summary.asOf }),
    )
    const orders = n(placed?.n ?? 0)
    // every one an order of 0 cancelled (failed, unpaid): nothing was paid, nor refunded
    const cancelled = orders > 0 && n(placed?.marks ?? 0) >= orders
    throw new DataError(
      cancelled
        ? `customer '${customerId}' placed ${orders} order${orders === 1 ? '' : 's'} of 0 on or before ${summary.asOf}, cancelled (or failed, unpaid): no purchase to value yet`
        : orders > 0
          ? `customer '${customerId}' placed ${orders} order${orders === 1 ? '' : 's'} on or before ${summary.asOf}, but refunds took ${orders === 1 ? 'it' : 'them'} back in full: no purchase day is left to value (a day refunded in full is no purchase day)${unvaluedCost(run, summary.value, customerId)}`
          : `customer '${customerId}' has no purchase on or before ${summary.asOf}: nothing to value yet${referrerNote(customerId, known)}${unvaluedCost(run, summary.value, customerId)}`,
      { customerId, asOf: summary.asOf },
    )
  }
  const value = run as ValueRun | null
  const vs = summary.value
  // without amounts computeAnalysis runs no value step (summary.revenue.measured false)
  if ((!value || !vs) && summary.revenue.measured) {
    throw new DataError('the value step did not run')
  }
  const [attrs] = await engine.query<Row>(customerAttributes(d, { customerId }))
  const orders = await engine.query<Row>(
    customerRecentOrders(d, { customerId, limit: opts.recentOrders ?? 10, asOf: summary.asOf }),
  )
  const p = summary.predictions
  const valued =
    value && vs ? await valueParts(engine, row, value, vs, customerId, summary.asOf, opts) : null
  return {
    customerId,
    asOf: summary.asOf,
    currency: vs?.currency ?? summary.currency,
    locale: vs?.locale ?? 'en-US',
    attributes: attrs ? (attrs as Record<string, string | null>) : null,
    summary: {
      firstPurchase: day(row.first_purchase),
      lastPurchase: day(row.last_purchase),
      orders: n(row.orders),
      purchaseDays: n(row.purchase_days),
      revenue: n(row.revenue),
      margin: nn(row.margin),
      averageOrderValue: nn(row.aov),
      daysSinceLast: n(row.days_since_last),
      tenureDays: n(row.tenure_days),
      x: n(row.x),
      t_x: n(row.t_x),
      T: n(row.T),
    },
    rfm: { r: n(row.r_score), f: n(row.f_score), m: nn(row.m_score), segment: s(row.rfm_segment) },
    predictions: p
      ? {
          pAlive: nn(row.p_alive),
          expectedPurchases: nn(row.expected_purchases),
          expectedSpend: nn(row.expected_spend),
          predictedValue: nn(row.predicted_value),
          expectedNextPurchase:
            row.expected_next_purchase === null ? null : day(row.expected_next_purchase),
          horizon: p.horizon,
          unit: p.unit,
        }
      : null,
    value: valued?.value ?? null,
    service: valued?.service ?? null,
    tier: valued?.tier ?? null,
    loyalty: valued?.loyalty ?? null,
    reasons: valued?.reasons ?? [],
    referrals: valued?.referrals ?? null,
    recentOrders: orders.map((o) => ({
      orderId: o.order_id === null ? null : s(o.order_id),
      date: day(o.order_date),
      // a margin computed as amount - cost carries the double's noise (22.580000000000002)
      amount: money(o.amount) as number,
      margin: money(o.margin),
      discount: money(o.discount),
      channel: (o.channel as string | null) ?? null,
      campaign: (o.campaign as string | null) ?? null,
      cancelled: o.cancelled === true,
    })),
    // the workspace's other notes (customers without revenue ...) are not about this customer
    warnings: summary.quality
      .filter((q) => q.level === 'warning' && isAsOfGapNote(q))
      .map((q) => q.message),
  }
}

type ValueParts = Pick<
  CustomerProfile,
  'value' | 'service' | 'tier' | 'loyalty' | 'reasons' | 'referrals'
>

/** The parts of a profile the value step gives: money, service, tier, loyalty, reasons, referrals. */
async function valueParts(
  engine: Engine,
  row: Row,
  value: ValueRun,
  vs: ValueSummary,
  customerId: string,
  asOf: string,
  opts: CustomerProfileOptions,
): Promise<ValueParts> {
  const level = vs.tiers.levels.find((l) => l.name === row.tier)
  const [fb] = await engine.query<Row>(valueCustomerFeedback(engine.dialect, { customerId, asOf }))
  return {
    value: {
      revenue: n(row.revenue),
      grossMargin: n(row.gross_margin),
      costs: {
        tickets: n(row.ticket_cost),
        returns: n(row.return_cost),
        shipping: n(row.shipping_cost),
        fees: n(row.fee_cost),
        discounts: n(row.discount_cost),
      },
      costToServe: n(row.cost_to_serve),
      pastProfit: n(row.historical_profit),
      predictedProfit: n(row.predicted_profit),
      referralValue: n(row.referral_value),
      totalValue: n(row.total_value),
      valuePercentile: n(row.value_percentile),
    },
    service: {
      tickets: n(row.tickets),
      ticketMinutes: n(row.ticket_minutes),
      returns: n(row.returns),
      nps: nn(row.nps),
      ces: nn(fb?.ces),
      csat: nn(fb?.csat),
      ticketSatisfaction: nn(fb?.ticket_satisfaction),
      ticketsRated: n(fb?.tickets_rated ?? 0),
      comment:
        fb?.comment === null || fb?.comment === undefined
          ? null
          : { text: s(fb.comment), date: day(fb.comment_date) },
      engagementScore: nn(row.engagement_score),
      engagementPercentile: nn(row.engagement_percentile),
    },
    tier: {
      name: s(row.tier),
      qualifiedTier: s(row.qualified_tier),
      heldByGrace: row.held_by_grace === true,
      graceLeft: nn(row.grace_left),
      graceUnit: vs.tiers.grace.unit,
      serviceLevel: level?.serviceLevel ?? {
        priority: 0,
        responseTargetMinutes: 0,
        dedicatedOwner: false,
      },
      perks: level?.perks ?? [],
      outreach: level?.outreach ?? 'automated',
    },
    loyalty: { type: row.loyalty_type as LoyaltyType, rule: row.loyalty_rule as LoyaltyRule },
    reasons: (await value.reasonsOf(customerId, opts.reasons ?? 5)) ?? [],
    referrals: {
      referredBy: await value.referrerOf(customerId),
      direct: n(row.referrals_direct),
      customers: n(row.referred_customers),
      tree: await value.treeOf(customerId),
    },
  }
}

/**
 * "; the referrals name 'E6' as the referrer of 2 customers (E1, E2)" when they do, else '': said
 * both of a referrer with no record and of one with a record but no purchase yet.
 */
function referrerNote(
  customerId: string,
  known: { readonly referred?: unknown; readonly referred_ids?: unknown } | undefined,
): string {
  const referred = Number(known?.referred ?? 0)
  if (!(referred > 0)) return ''
  const ids = `${String(known?.referred_ids ?? '')}${referred > 3 ? ', ...' : ''}`
  return `; the referrals name '${customerId}' as the referrer of ${referred} customer${referred === 1 ? '' : 's'} (${ids})`
}

/**
 * What a customer with no purchase day left cost to serve (ValueRun.unvaluedOf), said after the
 * refusal to value them: their tickets and returns were real work, a loss nothing else shows.
 */
function unvaluedCost(
  run: ValueRun | null,
  v: ValueSummary | undefined,
  customerId: string,
): string {
  const u = run?.unvaluedOf(customerId)
  if (!u || !v) return ''
  const what = unvaluedWork(u)
  return `; their ${what} cost ${formatMoney(u.costToServe, v.currency, v.locale)} to serve, a loss the value figures leave out (docs/value.md)`
}
