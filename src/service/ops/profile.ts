// A customer's live profile: counters updated by each event (no refit), and the scores computed
// from them with the last fitted model (BG/NBD parameters, tier boundaries, RFM quintiles and value
// percentiles stored by the refit job). Pure functions: the ingest path and the refit share them.

import type { BgParams } from '../../core/models/bg-family.ts'
import { expectedPurchases, probabilityAlive } from '../../core/models/bgnbd.ts'
import * as nbd from '../../core/models/nbd.ts'
import type { OpsProfile } from '../../core/ops/playbooks.ts'
import { type MeasureCuts, scoreFromCuts } from '../../core/rfm-cuts.ts'
import { assignSegment } from '../../core/rfm-segments.ts'
import { fromMillionths, millionths, minorDigits, roundHalfAway } from '../../core/round.ts'
import type { ValueConfig } from '../../core/value/config.ts'
import { classifyLoyalty } from '../../core/value/loyalty-type.ts'
import { buildReasons, type Reason, reasonRuleOptions } from '../../core/value/reasons.ts'
import { qualifyingTier, tierBoundaries, tierTopPercents } from '../../core/value/tiers.ts'
import { dayText, sqlDay, tsMs } from './time.ts'

export const DAY_MS = 86_400_000
/** Model time unit: weeks, as `loyals analyze` uses by default. */
export const UNIT_DAYS = 7
/** Prediction horizon in units (52 weeks = one year). */
export const HORIZON_UNITS = 52

/** What the refit job leaves for incremental scoring (stored as JSON in model_params 'current'). */
export interface ScoringModel {
  /** BG/NBD parameters in weekly units; null when the data could not support a fit. */
  readonly bgnbd: BgParams | null
  /** NBD parameters (no dropout) when BG/NBD found no dropout; absent in models stored before. */
  readonly nbd?: nbd.NbdParams | null
  /** Minimum total value of each tier, best first; ±Infinity as the strings JSON cannot hold. */
  readonly boundaries: readonly (number | 'Infinity' | '-Infinity')[]
  /** Sorted ascending: the 1st..99th percentile of total value, for the value percentile. */
  readonly valuePercentiles: readonly number[]
  /**
   * RFM cuts of the rank rule (core/rfm-cuts.ts) on the analysis' measures: days since the last
   * purchase day (fewer is better), purchase days, revenue. Null before a refit; absent in
   * models stored before the rank rule was kept (their segments wait for the next refit).
   */
  readonly rfmCuts?: {
    readonly r: MeasureCuts
    readonly f: MeasureCuts
    readonly m: MeasureCuts
  } | null
  readonly fittedAtMs: number
  readonly customers: number
  /**
   * False when no stored order carried an amount (a transaction log of customer and date): a
   * customer without revenue then has no value in money, tier, loyalty type or reasons, as
   * `loyals customer` says; absent in models stored before (amounts assumed).
   */
  readonly amounts?: boolean
  /**
   * The tiers the boundaries and the stored profiles' tier indexes are of ({@link tiersKey});
   * absent in models stored before it was kept (of unknown tiers).
   */
  readonly tiers?: string
}

/**
 * What a profile's tier depends on in a tier configuration: the basis and each level's name and
 * cut, best first. Service levels, perks and grace do not change a stored tier.
 */
export function tiersKey(t: ValueConfig['tiers']): string {
  return JSON.stringify({
    basis: t.basis,
    levels: t.levels.map((l) => [l.name, l.share, l.minValue]),
  })
}

const keys = new WeakMap<ValueConfig['tiers'], string>()
const keyOf = (t: ValueConfig['tiers']): string => {
  let k = keys.get(t)
  if (k === undefined) {
    k = tiersKey(t)
    keys.set(t, k)
  }
  return k
}

/**
 * Is `model` of other tiers than `cfg`'s (a server restarted with a tier removed or renamed)? Its
 * boundaries then cut other tiers, and the profiles it scored hold other tiers' indexes, until
 * the next refit. A model of unknown tiers counts as other ones.
 */
export function modelOfOtherTiers(model: ScoringModel | null, cfg: ValueConfig): boolean {
  return model !== null && model.tiers !== keyOf(cfg.tiers)
}

/**
 * A stored profile's tier in `cfg`'s tiers: docs/value.md matches tiers by name, so a profile
 * scored with other tiers keeps the tier of its name, or none when that tier is gone (the next
 * scoring qualifies it afresh), and is scored again as of its last scoring (its reasons named
 * the old tiers).
 */
export function inTiersOf(p: Profile, model: ScoringModel | null, cfg: ValueConfig): Profile {
  if (p.tier === null || cfg.tiers.levels[p.tier]?.name === p.tierName) return p
  const i = cfg.tiers.levels.findIndex((l) => l.name === p.tierName)
  const at = p.scoredAtMs ?? p.updatedAtMs
  return { ...scoreProfile({ ...p, tier: i < 0 ? null : i }, model, cfg, at), scoredAtMs: at }
}

/** One row of customer_profile, in JS types (times as epoch ms). */
export interface Profile {
  customerId: string
  email: string | null
  name: string | null
  timeZone: string | null
  signupAtMs: number | null
  ordersCount: number
  purchaseDays: number
  revenue: number
  firstOrderMs: number | null
  lastOrderMs: number | null
  referrals: number
  reviews: number
  nps: number | null
  ces: number | null
  pAlive: number | null
  expectedPurchases: number | null
  predictedValue: number | null
  value: number | null
  tier: number | null
  tierName: string | null
  segment: string | null
  loyaltyType: string | null
  reasons: Reason[]
  scoredAtMs: number | null
  updatedAtMs: number
  /** When the customer opted out of email (identify `unsubscribed: true`); null: not opted out. */
  unsubscribedAtMs: number | null
  /** Consent to marketing messages (identify `marketingConsent`); null: never said. */
  marketingConsent: boolean | null
  /**
   * The consent an imported customers file gives (Shopify's Accepts Email Marketing), copied by
   * each refit; it holds where the customer said nothing through the API (marketingConsent null).
   */
  importedConsent: boolean | null
  /**
   * The days (YYYY-MM-DD) the first and last orders were placed on, where they were placed (the
   * orders' order_date: `loyals import --tz` or an event's order_date); null in profiles stored
   * before they were kept, whose histories count the orders' UTC days until the next refit.
   */
  firstOrderDay: string | null
  lastOrderDay: string | null
}

export function emptyProfile(customerId: string, nowMs: number): Profile {
  return {
    customerId,
    email: null,
    name: null,
    timeZone: null,
    signupAtMs: null,
    ordersCount: 0,
    purchaseDays: 0,
    revenue: 0,
    firstOrderMs: null,
    lastOrderMs: null,
    referrals: 0,
    reviews: 0,
    nps: null,
    ces: null,
    pAlive: null,
    expectedPurchases: null,
    predictedValue: null,
    value: null,
    tier: null,
    tierName: null,
    segment: null,
    loyaltyType: null,
    reasons: [],
    scoredAtMs: null,
    updatedAtMs: nowMs,
    unsubscribedAtMs: null,
    marketingConsent: null,
    importedConsent: null,
    firstOrderDay: null,
    lastOrderDay: null,
  }
}

/**
 * a + b to the millionth, exactly, as the store sums money (DECIMAL(18,6)): a running sum of
 * doubles drifts (1662.3599999999997), and its rounding in the reasons with it; rounded after
 * the sum it was still off where amounts are large (999999999999.99 − 999999999999.98 + 1.60
 * read 1.610010).
 */
export function addMoney(a: number, b: number): number {
  return Number(fromMillionths(millionths(a) + millionths(b)))
}

/**
 * Add one order (amount >= 0) or refund (amount < 0) to the counters. A purchase day is a
 * calendar day with an order where it was placed, as in docs/summary.md: `newDay` says whether
 * the order's day is one the counters hold no order on yet (the caller knows the days bought on,
 * whatever order the orders arrive in).
 */
export function addOrder(
  p: Profile,
  amount: number,
  atMs: number,
  newDay: boolean,
  /** The day it was placed on (YYYY-MM-DD); default its UTC day. */
  day: string = sqlDay(atMs),
): Profile {
  if (amount < 0) return { ...p, revenue: addMoney(p.revenue, amount) }
  // a profile with orders but no days kept (stored before they were) stays without until its
  // refit: this one order's day would stand for all of them
  const kept = (cur: string | null, keep: (a: string, b: string) => string): string | null =>
    cur === null ? (p.ordersCount > 0 ? null : day) : keep(cur, day)
  return {
    ...p,
    ordersCount: p.ordersCount + 1,
    purchaseDays: p.purchaseDays + (newDay ? 1 : 0),
    revenue: addMoney(p.revenue, amount),
    firstOrderMs: p.firstOrderMs === null ? atMs : Math.min(p.firstOrderMs, atMs),
    lastOrderMs: p.lastOrderMs === null ? atMs : Math.max(p.lastOrderMs, atMs),
    // ISO days compare as text
    firstOrderDay: kept(p.firstOrderDay, (a, b) => (b.localeCompare(a) < 0 ? b : a)),
    lastOrderDay: kept(p.lastOrderDay, (a, b) => (b.localeCompare(a) > 0 ? b : a)),
  }
}

/** The UTC calendar day of an instant, as a day number (days since 1970-01-01). */
export const utcDay = (ms: number): number => Math.floor(ms / DAY_MS)

/**
 * Whether an order at `atMs` is surely on a day none of the profile's orders is on, without the
 * days themselves: an order's day is within a day of its UTC day (events.ts), so an order three
 * UTC days before the first or after the last is on a new day. A profile of no purchase day
 * counts no order (one a direct import stored is counted by the next refit).
 */
export function surelyNewDay(p: Profile | undefined, atMs: number): boolean {
  if (!p || p.purchaseDays === 0 || p.firstOrderMs === null || p.lastOrderMs === null) return true
  const day = utcDay(atMs)
  return day - utcDay(p.lastOrderMs) >= 3 || utcDay(p.firstOrderMs) - day >= 3
}

/** A customer's order counters from a row of api-refit-aggregates.ts (all their stored orders). */
export function orderCounters(
  r: Readonly<Record<string, unknown>>,
): Pick<
  Profile,
  | 'ordersCount'
  | 'purchaseDays'
  | 'revenue'
  | 'firstOrderMs'
  | 'lastOrderMs'
  | 'firstOrderDay'
  | 'lastOrderDay'
> {
  return {
    ordersCount: Number(r.orders_count),
    purchaseDays: Number(r.purchase_days),
    revenue: Number(r.revenue),
    firstOrderMs: tsMs(r.first_order_at),
    lastOrderMs: tsMs(r.last_order_at),
    firstOrderDay: dayText(r.first_order_day),
    lastOrderDay: dayText(r.last_order_day),
  }
}

/**
 * A customer's signs of connection from a row of api-refit-aggregates.ts with `connection`: the
 * referrals, reviews and latest NPS/CES answers stored (imported files and events alike).
 */
export function connectionCounters(
  r: Readonly<Record<string, unknown>>,
): Pick<Profile, 'referrals' | 'reviews' | 'nps' | 'ces'> {
  const answer = (v: unknown) => (v === null || v === undefined ? null : Number(v))
  return {
    referrals: Number(r.referrals ?? 0),
    reviews: Number(r.reviews ?? 0),
    nps: answer(r.nps),
    ces: answer(r.ces),
  }
}

/** A customer's stored rows as {@link recordedProfile} reads them (api-customer-record.ts). */
export interface RecordRow {
  readonly email?: unknown
  readonly name?: unknown
  readonly signup_at?: unknown
  readonly imported_consent?: unknown
  readonly referrals?: unknown
  readonly reviews?: unknown
  readonly nps?: unknown
  readonly ces?: unknown
}

/**
 * The profile of a customer known without one, from their customers row (email, name, sign-up,
 * the file's marketing consent) and stored signs of connection, as the refit would make it: what
 * the reads show and what an event for them starts from (starting empty lost the email, so the
 * welcome of their first order was suppressed for want of one).
 */
export function recordedProfile(id: string, r: RecordRow, nowMs: number): Profile {
  const consent = r.imported_consent
  return {
    ...emptyProfile(id, nowMs),
    ...connectionCounters(r as Readonly<Record<string, unknown>>),
    email: r.email === null || r.email === undefined ? null : String(r.email).trim(),
    name: r.name === null || r.name === undefined ? null : String(r.name),
    signupAtMs: tsMs(r.signup_at),
    importedConsent: consent === null || consent === undefined ? null : Boolean(consent),
  }
}

/** x, t_x, T in model units as of nowMs (x = purchase days − 1). */
export function histories(p: Profile, nowMs: number): { x: number; tx: number; T: number } | null {
  if (p.firstOrderMs === null || p.lastOrderMs === null || p.purchaseDays < 1) return null
  // whole days, as the summary counts them from purchase days (the days the orders were placed
  // on, else their UTC days): two customers who bought on the same days have the same history
  // whatever the hour
  const first = firstDay(p)
  const x = p.purchaseDays - 1
  const T = Math.max(0, utcDay(nowMs) - first) / UNIT_DAYS
  const tx = x > 0 ? Math.min(T, (lastDay(p) - first) / UNIT_DAYS) : 0
  return { x, tx, T }
}

const dayNumber = (iso: string): number => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS)
/** Day numbers of the first and last purchase days (the placed-on day, else the UTC day). */
const firstDay = (p: Profile): number =>
  p.firstOrderDay !== null ? dayNumber(p.firstOrderDay) : utcDay(p.firstOrderMs as number)
const lastDay = (p: Profile): number =>
  p.lastOrderDay !== null ? dayNumber(p.lastOrderDay) : utcDay(p.lastOrderMs as number)

/**
 * Mean days between purchase days, (last − first purchase day) / x, as analyze's usual_gap_days
 * counts them: two customers who bought on the same days have one gap whatever the hours (the
 * orders' instants put one's next purchase due a day before the other's). Null without a repeat
 * purchase day.
 */
export function usualGapDays(p: Profile): number | null {
  const x = p.purchaseDays - 1
  if (x <= 0 || p.firstOrderMs === null || p.lastOrderMs === null) return null
  return (lastDay(p) - firstDay(p)) / x
}

/**
 * Whole days from the last purchase day (the day it was placed on) to the UTC day of `nowMs`, as
 * the analysis' days_since_last; NaN without an order.
 */
export const daysSinceLast = (p: Profile, nowMs: number): number =>
  p.lastOrderMs === null ? Number.NaN : Math.max(0, utcDay(nowMs) - lastDay(p))

function percentileOf(value: number, cuts: readonly number[]): number {
  if (cuts.length === 0) return Number.NaN
  let lo = 0
  let hi = cuts.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (cuts[mid]! <= value) lo = mid + 1
    else hi = mid
  }
  return (lo / cuts.length) * 100
}

function boundariesOf(model: ScoringModel | null, cfg: ValueConfig): Float64Array | null {
  // a model of other tiers (or of unknown ones, with as many) cuts other tiers
  const mine = model && (model.tiers === undefined || model.tiers === keyOf(cfg.tiers))
  if (model && mine && model.boundaries.length === cfg.tiers.levels.length) {
    return Float64Array.from(model.boundaries, (b) => Number(b))
  }
  // Threshold tiers need no data; rank tiers wait for the first refit.
  return cfg.tiers.basis === 'threshold' ? tierBoundaries(new Float64Array(0), cfg.tiers) : null
}

/**
 * Re-score a profile with the stored model: P(alive) and expected purchases over a year (BG/NBD,
 * Fader, Hardie & Lee 2005, eq. 13 and 10), predicted value = expected purchases × average order
 * value, total value = revenue + predicted value, the tier it qualifies for (a promotion applies at
 * once; a demotion waits for the refit, which applies the grace period: `held`), the RFM segment, the
 * loyalty type and the reasons.
 */
export function scoreProfile(
  p: Profile,
  model: ScoringModel | null,
  cfg: ValueConfig,
  nowMs: number,
  /** A refit's grace decision for a customer it kept in `p.tier`: what is left of the grace. */
  held?: { readonly graceLeft: number; readonly graceUnit: 'days' | 'runs' },
): Profile {
  const h = histories(p, nowMs)
  let pAlive: number | null = null
  let expected: number | null = null
  if (h && model?.bgnbd) {
    pAlive = probabilityAlive(model.bgnbd, h.x, h.tx, h.T)
    expected = expectedPurchases(model.bgnbd, HORIZON_UNITS, h.x, h.tx, h.T)
  } else if (h && model?.nbd) {
    pAlive = nbd.probabilityAlive()
    expected = nbd.expectedPurchases(model.nbd, HORIZON_UNITS, h.x, h.tx, h.T)
  }
  const aov = p.ordersCount > 0 ? p.revenue / p.ordersCount : 0
  // orders without amounts measure no money: a total value of 0 would rank and tier them all
  const unpriced = model?.amounts === false && p.revenue === 0
  const predicted = expected === null || unpriced ? null : expected * aov
  const value =
    !unpriced && (p.ordersCount > 0 || p.revenue !== 0) ? p.revenue + (predicted ?? 0) : null
  // tiered and said as analyze tiers and shows it, to the currency's minor unit: 99.996 reads
  // 100.00 and meets a minimum of 100 (docs/value.md)
  const shown = value === null ? null : roundHalfAway(value, minorDigits(cfg.currency.code))
  const levels = cfg.tiers.levels
  const b = boundariesOf(model, cfg)
  let tier = p.tier
  if (b && shown !== null) {
    const q = qualifyingTier(shown, b)
    tier = tier === null ? q : Math.min(tier, q)
  }
  const daysSince = daysSinceLast(p, nowMs)
  // a customer without a kept order (none yet, or every one refunded in full) has no segment, as
  // analyze gives them no row: the one they had is stale
  let segment = p.lastOrderMs === null ? null : p.segment
  const rfm = model?.rfmCuts
  if (rfm && p.lastOrderMs !== null) {
    segment = assignSegment(
      scoreFromCuts(daysSince, rfm.r, 'less'),
      scoreFromCuts(p.purchaseDays, rfm.f, 'more'),
      scoreFromCuts(p.revenue, rfm.m, 'more'),
    )
  }
  const valuePct =
    value === null || !model ? Number.NaN : percentileOf(value, model.valuePercentiles)
  const usualGap = h ? (usualGapDays(p) ?? Number.NaN) : Number.NaN
  let loyaltyType: string | null = null
  let loyalty: ReturnType<typeof classifyLoyalty> | null = null
  if (h && !unpriced) {
    loyalty = classifyLoyalty(
      {
        valuePercentile: valuePct,
        repeatCount: h.x,
        referrals: p.referrals,
        reviews: p.reviews,
        engagementPercentile: Number.NaN,
        nps: p.nps ?? Number.NaN,
        priceDrivenShare: Number.NaN,
        pAlive: pAlive ?? Number.NaN,
        daysSinceLast: daysSince,
        usualGapDays: usualGap,
        switchingCost: false,
      },
      cfg.loyalty,
    )
    loyaltyType = loyalty.type
  }
  const tierName = tier === null ? null : (levels[tier]?.name ?? null)
  // the lowest tier has no minimum of its own: its reason cites the nearest one above it
  // the line above a rank tier is cited with its share, as analyze cites it ("the top 30 %"); a
  // customer's own tier is cited by the minimum it reaches: live values are not ranked
  const top = cfg.tiers.basis === 'rank' ? tierTopPercents(levels) : null
  let above: { name: string; boundary: number; topPercent?: number } | undefined
  if (b && tier !== null && tier === levels.length - 1) {
    for (let k = tier - 1; k >= 0 && !above; k--) {
      const v = b[k]!
      if (Number.isFinite(v)) {
        above = { name: levels[k]!.name, boundary: v, ...(top ? { topPercent: top[k]! } : {}) }
      }
    }
  }
  const reasons =
    value === null
      ? []
      : buildReasons(
          {
            ...(tier !== null && tierName !== null
              ? {
                  tier: {
                    name: tierName,
                    basis: cfg.tiers.basis,
                    totalValue: shown ?? value,
                    // rank tiers are said by their top share, as analyze says them (tier_rank)
                    ...(top && tier < levels.length - 1 ? { topPercent: top[tier]! } : {}),
                    ...(b && Number.isFinite(b[tier]!) ? { boundary: b[tier]! } : {}),
                    ...(b && tier > 0 ? { nextBoundary: b[tier - 1]! } : {}),
                    // a refund took the value below the tier it keeps until the refit
                    ...(b && Number.isFinite(b[tier]!) && (shown ?? value) < b[tier]!
                      ? held
                        ? { heldByGrace: true, ...held }
                        : { heldByGrace: true, graceUnit: 'refit' as const }
                      : {}),
                    ...(above ? { above } : {}),
                  },
                }
              : {}),
            ...(segment !== null && p.lastOrderMs !== null
              ? {
                  segment: {
                    name: segment,
                    daysSinceLast: daysSince,
                    orders: p.ordersCount,
                    revenue: p.revenue,
                  },
                }
              : {}),
            ...(loyalty ? { loyalty: { type: loyalty.type, rule: loyalty.rule } } : {}),
            // the signals the type was classified on, so its reason names them as analyze's
            // does ("with 4 referrals, 2 reviews"); the referrals' worth and the engagement's rank
            // are not scored live (value 0, percentile NaN: no money and no rank is said)
            ...(p.referrals > 0
              ? { referrals: { direct: p.referrals, directValue: 0, indirect: 0, value: 0 } }
              : {}),
            ...(p.reviews > 0
              ? { engagement: { percentile: Number.NaN, reviews: p.reviews } }
              : {}),
            profit: {
              basis: 'revenue',
              past: p.revenue,
              ...(predicted !== null ? { predicted } : {}),
              orders: p.ordersCount,
            },
            // a one-time buyer's too: their type says when the order was, as analyze's does
            ...(h && p.firstOrderMs !== null
              ? {
                  cadence: {
                    // purchase days, as the usual gap counts them (orders on one day are one)
                    orders: p.purchaseDays,
                    usualGapDays: usualGap,
                    // whole days from the first purchase day, as analyze's tenure_days
                    tenureDays: Math.max(0, utcDay(nowMs) - firstDay(p)),
                    daysSinceLast: daysSince,
                  },
                }
              : {}),
            ...(p.nps !== null ? { nps: p.nps } : {}),
            ...(pAlive !== null ? { pAlive } : {}),
            ...(Number.isFinite(valuePct) ? { valuePercentile: valuePct } : {}),
          },
          // as many as `loyals customer` gives: tier, segment and type, then what drives them
          // the rules that classified the customer, so a figure never reads past one of them
          { currency: cfg.currency, limit: 5, ...reasonRuleOptions(cfg.loyalty) },
        )
  return {
    ...p,
    pAlive,
    expectedPurchases: expected,
    predictedValue: predicted,
    value,
    tier,
    tierName,
    segment,
    loyaltyType,
    reasons,
    scoredAtMs: nowMs,
  }
}

/** Tier boundaries as JSON can store them (±Infinity as strings). */
export function encodeBoundaries(b: Float64Array): ScoringModel['boundaries'] {
  return Array.from(b, (v) =>
    v === Number.POSITIVE_INFINITY ? 'Infinity' : v === Number.NEGATIVE_INFINITY ? '-Infinity' : v,
  )
}

/** The view of a profile the playbook triggers need. */
export function opsProfile(p: Profile): OpsProfile {
  const gap = usualGapDays(p)
  return {
    customerId: p.customerId,
    orderCount: p.ordersCount,
    lifetimeSpend: p.revenue,
    firstOrderMs: p.firstOrderMs,
    lastOrderMs: p.lastOrderMs,
    firstOrderDay: p.firstOrderDay,
    lastOrderDay: p.lastOrderDay,
    usualGapDays: gap,
    // the usual gap after the last purchase day's start (00:00 UTC of that date), as the tick's
    // candidate query computes it (api-tick-candidates.ts)
    expectedNextPurchaseMs: gap !== null ? (lastDay(p) + gap) * DAY_MS : null,
    pAlive: p.pAlive,
    tier: p.tier,
  }
}
