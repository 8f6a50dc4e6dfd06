// Loyalty types (lucrative, limited, lazy loyal; one-time buyer; lapsed): an ordered list of rules
// over per-customer features, first match wins, and the rule that fired is returned so every type
// can be explained. Thresholds come from the value configuration; the order is fixed and documented.
import type { LoyaltyRules } from './config.ts'

export const LOYALTY_TYPES = [
  'lucrative_loyal',
  'limited_loyal',
  'lazy_loyal',
  'one_time_buyer',
  'lapsed',
] as const
export type LoyaltyType = (typeof LOYALTY_TYPES)[number]

/** Rules in evaluation order; the position is the rule code in {@link classifyLoyaltyBatch}. */
export const LOYALTY_RULES = [
  'single_purchase',
  'p_alive_low',
  'overdue',
  'detractor',
  'high_value_connected',
  'price_driven',
  'switching_cost',
  'disengaged',
  'repeat_transactional',
] as const
export type LoyaltyRule = (typeof LOYALTY_RULES)[number]

/** The type each rule assigns. */
export const RULE_TYPE: Readonly<Record<LoyaltyRule, LoyaltyType>> = {
  single_purchase: 'one_time_buyer',
  p_alive_low: 'lapsed',
  overdue: 'lapsed',
  detractor: 'limited_loyal',
  high_value_connected: 'lucrative_loyal',
  price_driven: 'lazy_loyal',
  switching_cost: 'limited_loyal',
  disengaged: 'limited_loyal',
  repeat_transactional: 'lazy_loyal',
}

/** What the rules look at, for one customer. NaN means unknown; unknown never fires a rule. */
export interface LoyaltyFeatures {
  /** 0-100 rank of total value. */
  readonly valuePercentile: number
  /** Repeat purchases (x). */
  readonly repeatCount: number
  /** Customers referred directly. */
  readonly referrals: number
  readonly reviews: number
  /** 0-100 engagement percentile. */
  readonly engagementPercentile: number
  /** Latest NPS answer 0-10. */
  readonly nps: number
  /** 0..1 share of orders with a discount or promo redemption. */
  readonly priceDrivenShare: number
  /** P(alive) from a model. */
  readonly pAlive: number
  readonly daysSinceLast: number
  /** Usual days between purchases (e.g. t_x / x). */
  readonly usualGapDays: number
  /** Held by a contract, subscription or stored balance. */
  readonly switchingCost: boolean
}

export interface LoyaltyResult {
  readonly type: LoyaltyType
  readonly rule: LoyaltyRule
  /** Connection signals counted: referral, review, engagement, promoter (0-4). */
  readonly signals: number
}

/** Number of connection signals: a referral, a review, high engagement, a promoter NPS. */
export function connectionSignals(f: LoyaltyFeatures, rules: LoyaltyRules): number {
  return (
    (f.referrals >= 1 ? 1 : 0) +
    (f.reviews >= 1 ? 1 : 0) +
    (f.engagementPercentile >= rules.lucrative.engagementSignalPercentile ? 1 : 0) +
    (f.nps >= rules.nps.promoterMin ? 1 : 0)
  )
}

function ruleFor(f: LoyaltyFeatures, rules: LoyaltyRules, signals: number): LoyaltyRule {
  if (!(f.repeatCount >= rules.minRepeat)) return 'single_purchase'
  if (f.pAlive < rules.lapsed.pAliveBelow) return 'p_alive_low'
  if (Number.isNaN(f.pAlive)) {
    const limit = Math.max(rules.lapsed.gapMultiple * f.usualGapDays, rules.lapsed.minDaysSinceLast)
    if (f.daysSinceLast > limit) return 'overdue'
  }
  if (f.nps <= rules.nps.detractorMax) return 'detractor'
  if (
    f.valuePercentile >= rules.lucrative.minValuePercentile &&
    signals >= rules.lucrative.minSignals
  ) {
    return 'high_value_connected'
  }
  if (f.priceDrivenShare >= rules.lazy.priceDrivenShareMin) return 'price_driven'
  if (f.switchingCost) return 'switching_cost'
  if (signals === 0 && f.engagementPercentile < rules.limited.disengagedBelowPercentile) {
    return 'disengaged'
  }
  return 'repeat_transactional'
}

/**
 * The loyalty type of one customer: the first rule that fires, in this order.
 * 1. one_time_buyer / single_purchase: fewer than `minRepeat` repeat purchases.
 * 2. lapsed / p_alive_low: P(alive) below `lapsed.pAliveBelow`;
 *    lapsed / overdue (without P(alive)): days since last > max(gapMultiple * usual gap, minDays).
 * 3. limited_loyal / detractor: NPS at or below `nps.detractorMax`.
 * 4. lucrative_loyal / high_value_connected: value percentile >= `lucrative.minValuePercentile` and
 *    at least `lucrative.minSignals` connection signals (referral, review, engagement, promoter).
 * 5. lazy_loyal / price_driven: discounted share of orders >= `lazy.priceDrivenShareMin`.
 * 6. limited_loyal / switching_cost: held by a switching cost.
 * 7. limited_loyal / disengaged: no connection signal and engagement below
 *    `limited.disengagedBelowPercentile`.
 * 8. lazy_loyal / repeat_transactional: every other repeat buyer.
 * After the taxonomy of lucrative, lazy and limited loyalty (repeat buying is not the same as
 * loyalty that pays): see docs/value.md.
 * @example classifyLoyalty({ ...f, repeatCount: 0 }, rules) // { type: 'one_time_buyer', rule: 'single_purchase', ... }
 */
export function classifyLoyalty(f: LoyaltyFeatures, rules: LoyaltyRules): LoyaltyResult {
  const signals = connectionSignals(f, rules)
  const rule = ruleFor(f, rules, signals)
  return { type: RULE_TYPE[rule], rule, signals }
}

type Num = Float64Array | Int32Array | Uint32Array | Uint8Array

/** The features as parallel columns (one entry per customer); absent columns are unknown (NaN). */
export interface LoyaltyFeatureColumns {
  readonly valuePercentile: Float64Array
  readonly repeatCount: Num
  readonly referrals?: Num
  readonly reviews?: Num
  readonly engagementPercentile?: Float64Array
  readonly nps?: Float64Array
  readonly priceDrivenShare?: Float64Array
  readonly pAlive?: Float64Array
  readonly daysSinceLast: Float64Array
  readonly usualGapDays: Float64Array
  readonly switchingCost?: Uint8Array
}

const at = (c: Num | undefined, i: number, missing: number): number =>
  c === undefined ? missing : (c[i] as number)

/**
 * {@link classifyLoyalty} for every customer, as codes: `type[i]` indexes {@link LOYALTY_TYPES},
 * `rule[i]` indexes {@link LOYALTY_RULES}. No per-customer objects are kept.
 */
export function classifyLoyaltyBatch(
  cols: LoyaltyFeatureColumns,
  rules: LoyaltyRules,
): { readonly type: Uint8Array; readonly rule: Uint8Array; readonly counts: Int32Array } {
  const n = cols.valuePercentile.length
  const type = new Uint8Array(n)
  const rule = new Uint8Array(n)
  const counts = new Int32Array(LOYALTY_TYPES.length)
  const typeCode = new Map(LOYALTY_TYPES.map((t, i) => [t, i]))
  const ruleCode = new Map(LOYALTY_RULES.map((r, i) => [r, i]))
  const unknown = Number.NaN
  for (let i = 0; i < n; i++) {
    const f: LoyaltyFeatures = {
      valuePercentile: cols.valuePercentile[i] as number,
      repeatCount: cols.repeatCount[i] as number,
      referrals: at(cols.referrals, i, 0),
      reviews: at(cols.reviews, i, 0),
      engagementPercentile: at(cols.engagementPercentile, i, unknown),
      nps: at(cols.nps, i, unknown),
      priceDrivenShare: at(cols.priceDrivenShare, i, unknown),
      pAlive: at(cols.pAlive, i, unknown),
      daysSinceLast: cols.daysSinceLast[i] as number,
      usualGapDays: cols.usualGapDays[i] as number,
      switchingCost: at(cols.switchingCost, i, 0) === 1,
    }
    const signals = connectionSignals(f, rules)
    const r = ruleFor(f, rules, signals)
    const t = typeCode.get(RULE_TYPE[r]) as number
    type[i] = t
    rule[i] = ruleCode.get(r) as number
    counts[t] = (counts[t] as number) + 1
  }
  return { type, rule, counts }
}
