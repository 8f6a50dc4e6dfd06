// Plain-language reasons with figures for a customer's tier, segment and loyalty type. The service
// gathers the facts; this file only words them in a fixed order (tier, segment, type first, so any
// top three explains all three) and keeps the top N, so texts are testable without a database.
// Formatting (currency, locale) comes from the configuration.
import { minorDigits, roundHalfAway } from '../round.ts'
import { decimalsApart, exactDecimals, wordList } from '../words.ts'
import type { CurrencyConfig, ValueConfig } from './config.ts'
import type { LoyaltyRule, LoyaltyType } from './loyalty-type.ts'

export const REASON_CODES = [
  'tier_rank',
  'tier_threshold',
  'tier_grace',
  'tier_base',
  'referrals',
  'served_at_loss',
  'past_profit',
  'predicted_profit',
  'past_revenue',
  'predicted_revenue',
  'loyalty_type',
  'segment',
  'cadence',
  'overdue',
  'engagement',
] as const
export type ReasonCode = (typeof REASON_CODES)[number]

/** One reason. `amount` is its money impact (signed) when it has one; ranking uses |amount|. */
export interface Reason {
  readonly code: ReasonCode
  readonly text: string
  readonly amount?: number
}

/** Everything a reason may cite, for one customer. Leave out what is unknown. */
export interface ReasonFacts {
  readonly tier?: {
    readonly name: string
    readonly basis: 'rank' | 'threshold'
    readonly totalValue: number
    /** basis 'rank': the tier's cumulative top share in percent (2 for "top 2 %"). */
    readonly topPercent?: number
    /** The tier's minimum total value (its boundary). */
    readonly boundary?: number
    /**
     * The minimum of the tier right above: the total is said with the decimals that tell it from
     * that line, so a total of 999.50 does not read "1,000" under a Gold minimum of 1,000.
     */
    readonly nextBoundary?: number
    readonly heldByGrace?: boolean
    readonly graceLeft?: number
    /** 'refit': the service keeps a tier until its next refit (live scores only promote). */
    readonly graceUnit?: 'days' | 'runs' | 'refit'
    /**
     * For the lowest tier (no minimum of its own): the nearest tier above with a minimum, cited as
     * the line the customer is below; `topPercent` is that tier's cumulative top share (basis 'rank').
     */
    readonly above?: {
      readonly name: string
      readonly boundary: number
      readonly topPercent?: number
    }
  }
  readonly segment?: {
    readonly name: string
    readonly daysSinceLast: number
    readonly orders: number
    readonly revenue: number
  }
  readonly loyalty?: {
    readonly type: LoyaltyType
    readonly rule: LoyaltyRule
    /** Purchase days after the first (x). */
    readonly repeatDays?: number
  }
  readonly referrals?: {
    readonly direct: number
    /**
     * How many of the `direct` have bought (the others are people referred who never ordered);
     * left out: all of them. A non-buyer is not called a customer ("referred 2 people, 1 of them
     * a customer worth $244", not "2 customers worth $244").
     */
    readonly directBuyers?: number
    readonly directValue: number
    /** Customers referred by the customers they referred (within the counted depth). */
    readonly indirect: number
    readonly value: number
  }
  readonly profit?: {
    /**
     * What `past` and `predicted` measure: profit (the value step) or revenue (the service's live
     * scores, which know no costs); the words follow, so revenue is never called profit.
     */
    readonly basis?: 'profit' | 'revenue'
    readonly past: number
    readonly predicted?: number
    readonly orders: number
    readonly tickets?: number
    readonly ticketMinutes?: number
    readonly ticketCost?: number
    readonly returns?: number
    readonly returnCost?: number
    /** Shipping, payment fees and discounts counted as cost. */
    readonly otherCost?: number
    /**
     * The parts of `otherCost`, so a loss names only the costs counted (discounts cost nothing
     * unless `discountAsCost`); without them it names all three.
     */
    readonly shippingCost?: number
    readonly feeCost?: number
    readonly discountCost?: number
    /** Margin before the cost to serve (a negative one: sold below cost, or refunds). */
    readonly grossMargin?: number
  }
  readonly cadence?: {
    readonly orders: number
    readonly usualGapDays: number
    readonly tenureDays: number
    readonly daysSinceLast: number
  }
  readonly engagement?: {
    /** Percent of customers whose score is at or below this one (ties and the customer counted). */
    readonly percentile: number
    /**
     * Percent of customers whose score is at or above this one (`rankShares`): the rank share
     * "top N %" cites, and 100 - topShare the share strictly below, "more engaged than". Without it
     * the texts fall back on the percentile, which counts ties as below.
     */
    readonly topShare?: number
    /**
     * Percent of customers with any engagement (a score above 0): the share more engaged than a
     * customer without any, whose percentile is 0 by rule (100 - 0 would say "than 100 %").
     */
    readonly engagedShare?: number
    readonly reviews?: number
    /**
     * The customer has engagement events on record up to the as-of date, however old: one email
     * open years ago weighs next to nothing (its score rounds to 0 and ranks as none) but is not
     * "no engagement on record". Undefined: not known (taken as none when the percentile is 0).
     */
    readonly events?: boolean
  }
  readonly nps?: number
  readonly pAlive?: number
  readonly priceDrivenShare?: number
  readonly valuePercentile?: number
  /** Percent of customers whose total value is at or above this one (`rankShares`). */
  readonly valueTopShare?: number
}

export interface ReasonOptions {
  readonly currency: CurrencyConfig
  /** How many reasons to return (default 3). */
  readonly limit?: number
  /** "no order in ..." is stated when days since last >= this multiple of the usual gap (default 2). */
  readonly overdueMultiple?: number
  /** Engagement is cited from this percentile up (default 75). */
  readonly engagementMinPercentile?: number
  /** NPS answers from this value up are cited as "promoter" (default 9). */
  readonly promoterMin?: number
  /** Repeat purchase days the loyalty rules ask of a repeat buyer (default 1). */
  readonly minRepeat?: number
  /**
   * The engagement percentile the loyalty rules count as a sign of connection (default 60, the
   * rules' engagementSignalPercentile): a lucrative loyal's reason cites only the signs counted.
   */
  readonly engagementSignalPercentile?: number
  /** The lapsed rule's P(alive) line (default 0.3): a P(alive) under it never reads as at it. */
  readonly pAliveBelow?: number
  /**
   * The value percentile the lucrative rule asks (default 70): the rank a lucrative loyal's
   * reason cites never reads as outside it.
   */
  readonly minValuePercentile?: number
}

/**
 * The loyalty rules' lines the reasons word against, from a value configuration: the analysis and
 * the live profile word a customer by the same rules that classified them.
 */
export function reasonRuleOptions(
  loyalty: ValueConfig['loyalty'],
): Omit<ReasonOptions, 'currency' | 'limit'> {
  return {
    promoterMin: loyalty.nps.promoterMin,
    minRepeat: loyalty.minRepeat,
    engagementSignalPercentile: loyalty.lucrative.engagementSignalPercentile,
    minValuePercentile: loyalty.lucrative.minValuePercentile,
    pAliveBelow: loyalty.lapsed.pAliveBelow,
  }
}

/** Distinct amounts remembered per formatter; later ones are formatted each time. */
const MONEY_CACHE = 1 << 18
const formatters = new Map<string, (n: number) => string>()
/** The same configuration object (one per analysis) skips building the key for every customer. */
const byConfig = new WeakMap<CurrencyConfig, (n: number) => string>()

/**
 * A money formatter for the configured currency and locale, whole units by default; an amount
 * that would round to 0 there is shown in the currency's minor unit ("-€0.03", not "-€0"). An
 * unknown currency code or locale prints a plain en-US number followed by the code rather than
 * failing.
 * @example moneyFormatter({ code: 'USD', locale: 'en-US', decimals: 0 })(1240) // '$1,240'
 */
export function moneyFormatter(c: CurrencyConfig): (n: number) => string {
  const known = byConfig.get(c)
  if (known) return known
  const key = `${c.locale}|${c.code ?? ''}|${c.decimals}`
  let fn = formatters.get(key)
  if (!fn) {
    fn = makeFormatter(c)
    formatters.set(key, fn)
  }
  byConfig.set(c, fn)
  return fn
}

/** Money to a fixed number of decimals, rounded as the files are; zero never reads "-€0". */
function formatAt(c: CurrencyConfig, decimals: number): (n: number) => string {
  const digits = { minimumFractionDigits: decimals, maximumFractionDigits: decimals }
  let f: Intl.NumberFormat
  let suffix = ''
  try {
    const opts: Intl.NumberFormatOptions = c.code
      ? { style: 'currency', currency: c.code, ...digits }
      : digits
    f = new Intl.NumberFormat(c.locale, opts)
  } catch {
    f = new Intl.NumberFormat('en-US', digits)
    suffix = c.code ? ` ${c.code}` : ''
  }
  // rounded first as the files are (round.ts), so a sentence and customers.csv show the same
  // cents; a value that rounds to zero is zero, not "-€0"
  return (n: number) => {
    const r = roundHalfAway(n, decimals)
    return `${f.format(r === 0 ? 0 : r)}${suffix}`
  }
}

const finer = new Map<string, (n: number) => string>()
const minorOf = new WeakMap<CurrencyConfig, number>()

/** minorDigits of the configuration's currency, once per configuration. */
function minorUnitOf(c: CurrencyConfig): number {
  let minor = minorOf.get(c)
  if (minor === undefined) {
    minor = minorDigits(c.code)
    minorOf.set(c, minor)
  }
  return minor
}

/**
 * A money formatter for amounts one sentence compares, `low` said to be below `high`: the usual
 * one when they read apart, else one with the decimals that tell them apart (`decimalsApart`:
 * the cents, then more), so "€315 is below the minimum of €315" reads "€314.53 is below the
 * minimum of €314.59". `difference` (high - low) is said beside them. Null when no decimals make
 * them read as the sentence says.
 */
function moneyApart(
  c: CurrencyConfig,
  low: number,
  high: number,
  difference?: number,
  // the fewest decimals to try (a configured line's own: exactDecimals)
  from = c.decimals,
): ((n: number) => string) | null {
  const minor = minorUnitOf(c)
  let d = decimalsApart(low, high, Math.max(c.decimals, from), minor, difference)
  // the usual formatter shows an amount that rounds to nothing in the minor unit, where the
  // others stay whole ("margin -€0.03 ... €10 more (profit -€10)" would not add up): such a
  // sentence is written in the minor unit throughout
  const vanishes = (v: number | undefined) =>
    v !== undefined && v !== 0 && roundHalfAway(v, c.decimals) === 0
  if (d === c.decimals && minor > d && [low, high, difference].some(vanishes)) {
    d = decimalsApart(low, high, minor, minor, difference)
  }
  if (d === null) return null
  if (d === c.decimals) return moneyFormatter(c)
  return finerFormatter(c, d)
}

/** {@link formatAt}, one per currency, locale and decimals. */
function finerFormatter(c: CurrencyConfig, d: number): (n: number) => string {
  const key = `${c.locale}|${c.code ?? ''}|${d}`
  let fn = finer.get(key)
  if (!fn) {
    fn = formatAt(c, d)
    finer.set(key, fn)
  }
  return fn
}

function makeFormatter(c: CurrencyConfig): (n: number) => string {
  const at = (decimals: number) => formatAt(c, decimals)
  const direct = at(c.decimals)
  // An amount that rounds to nothing in the configured unit is shown in the currency's minor
  // unit: a loss of 3 cents read "-€0", and fees of 33 cents "exceed the margin of €0"
  const minor = minorDigits(c.code)
  const fine = minor > c.decimals ? at(minor) : null
  const exact = (n: number): string =>
    fine && roundHalfAway(n, c.decimals) === 0 && roundHalfAway(n, minor) !== 0
      ? fine(n)
      : direct(n)
  if (c.decimals !== 0) return exact
  // Intl costs ~1 µs a call and a million customers' reasons cite a few amounts each: whole-unit
  // texts are remembered by rounded value
  const whole = new Map<number, string>()
  return (n: number) => {
    // Intl rounds half away from zero ("halfExpand"), as this does, and the rounded value formats
    // to the same text. Zero may need the minor unit, so it is never cached.
    const r = n < 0 ? -Math.round(-n) : Math.round(n)
    if (r === 0 || !Number.isFinite(r)) return exact(n)
    let t = whole.get(r)
    if (t === undefined) {
      t = direct(r)
      if (whole.size < MONEY_CACHE) whole.set(r, t)
    }
    return t
  }
}

type Unit = 'day' | 'week' | 'month' | 'year'
const UNIT_DAYS: Record<Unit, number> = { day: 1, week: 7, month: 30.4375, year: 365.25 }

/** The unit people use for a span of this many days. */
export function durationUnit(days: number): Unit {
  if (days < 14) return 'day'
  if (days < 120) return 'week'
  if (days < 730) return 'month'
  return 'year'
}

function count(days: number, unit: Unit): number {
  const v = days / UNIT_DAYS[unit]
  // years to the half ("1.5 years"), others whole
  return unit === 'year' ? Math.round(v * 2) / 2 : Math.max(1, Math.round(v))
}

/**
 * A span in words, in the given or the natural unit.
 * @example formatDuration(730) // '2 years';  formatDuration(35) // '5 weeks'
 */
export function formatDuration(days: number, unit: Unit = durationUnit(days)): string {
  const v = count(days, unit)
  return `${v} ${unit}${v === 1 ? '' : 's'}`
}

// Built once: Number#toLocaleString creates a formatter per call, too slow for 1M customers.
const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 })
const SMALL = 1000
const smallInts: (string | undefined)[] = new Array(SMALL)
/** intFmt.format, remembered for the small whole counts reasons cite (orders, referrals). */
function countText(n: number): string {
  if (Number.isInteger(n) && n > 0 && n < SMALL) {
    let t = smallInts[n]
    if (t === undefined) {
      t = intFmt.format(n)
      smallInts[n] = t
    }
    return t
  }
  return intFmt.format(n)
}
const plural = (n: number, one: string, many = `${one}s`) =>
  `${countText(n)} ${n === 1 ? one : many}`

/**
 * Handling time in words: minutes below an hour, else hours to a tenth (the report's rule too);
 * some time under half a minute is "under 1 min", not "0 min" beside the cost it has.
 */
export function hours(minutes: number): string {
  if (minutes > 0 && minutes < 0.5) return 'under 1 min'
  if (minutes < 60) return `${Math.round(minutes)} min`
  return `${Math.round((minutes / 60) * 10) / 10} h`
}

const pct = (p: number) => `${Math.round(p)} %`
/**
 * A rank share as "top N %": rounded up to a whole percent, at least 1 %, so it never claims a
 * better rank than the customer holds (the best of 13 is in the top 8 %, not the top 1 %). The
 * small allowance keeps 100 * 3 / 100 = 3.0000000000000004 at 3.
 */
const topShareWhole = (share: number) => Math.max(1, Math.ceil(share - 1e-9))
const topPct = (share: number) => `${topShareWhole(share)} %`

/**
 * A percent under the line of the rule it fails or passes (a threshold the sentence does not
 * show): whole when that reads under the line, else with the decimals that tell them apart
 * (decimalsApart), so a P(alive) of 29.917 % under a line of 30 % reads "29.9 %", not "30 %";
 * "under 30 %" when no decimals do. Under half a percent is "under 1 %", not a flat "0 %".
 */
function pctBelow(p: number, line: number): string {
  if (p < 0.5) return 'under 1 %'
  if (!(p < line)) return pct(p)
  const d = decimalsApart(p, line, 0, 1)
  // the line comes as a share times 100: 0.29 is 28.999999999999996
  return d === null ? `under ${roundHalfAway(line, 6)} %` : `${roundHalfAway(p, d).toFixed(d)} %`
}

/**
 * Where a rule that passed on a percentile ranks the customer: "top N %" (topPct), unless that
 * reads outside the rule's line (the top 100 - min %); then the percentile the rule measured,
 * rounded down. The percentile counts the customer and ties as at or below, so the 901st of
 * 3,000 is at the 70th percentile and in the top 30.03 %, which no rounding reads as the top 30 %.
 */
function rankWords(
  share: number,
  percentile: number | undefined,
  minPercentile: number,
  what: string,
): string {
  if (percentile === undefined || topShareWhole(share) <= 100 - minPercentile) {
    const top = topPct(share)
    return what === 'value' ? `top ${top} by value` : `${what} in the top ${top}`
  }
  return `${what} percentile ${Math.floor(percentile + 1e-9)}`
}

/** A loyalty type in words. */
export const TYPE_NAME: Readonly<Record<LoyaltyType, string>> = {
  lucrative_loyal: 'lucrative loyal',
  limited_loyal: 'limited loyal',
  lazy_loyal: 'lazy loyal',
  one_time_buyer: 'one-time buyer',
  lapsed: 'lapsed',
}

/**
 * When something last happened, the same words for the segment and the type: "today" under half a
 * day (the service's days are fractional: an order 20 minutes ago was today, not "1 day ago").
 */
function ago(days: number): string {
  return days < 0.5 ? 'today' : `${formatDuration(days)} ago`
}

function overdueText(daysSinceLast: number, usualGapDays: number): string {
  const unit = durationUnit(usualGapDays)
  const since = count(daysSinceLast, unit)
  return `no order in ${plural(since, unit)} against a usual ${count(usualGapDays, unit)}`
}

/**
 * "buys again", or, for a repeat buyer overdue as the cadence reason says it ("no order in 18
 * months against a usual 9"), that they bought again and how likely they are still active: the
 * P(alive) that keeps them from being lapsed. "buys again" beside that overdue reason read as a
 * contradiction.
 */
function againText(f: ReasonFacts, opts: ReasonOptions): string {
  const c = f.cadence
  if (!(c && hasGap(c) && isOverdue(c, opts))) return 'buys again'
  return f.pAlive === undefined || !Number.isFinite(f.pAlive)
    ? 'has bought again'
    : `has bought again (${pct(Math.floor(f.pAlive * 100))} likely still active)`
}

type CadenceFacts = NonNullable<ReasonFacts['cadence']>

/** A usual gap between purchases to measure against (finite and above 0). */
const hasGap = (c: CadenceFacts): boolean => Number.isFinite(c.usualGapDays) && c.usualGapDays > 0

/** No order for `overdueMultiple` (default 2) usual gaps: what "no order in ..." says. */
const isOverdue = (c: CadenceFacts, opts: ReasonOptions): boolean =>
  c.daysSinceLast >= (opts.overdueMultiple ?? 2) * c.usualGapDays

/** The decimals that show a configured line (a tier minimum) as it is, up to 4 past the minor unit. */
const lineDecimals = (c: CurrencyConfig, line: number): number => {
  const d = exactDecimals(line, c.decimals, minorUnitOf(c) + 4)
  // a line that needs decimals is written to the minor unit at least: "161,20 €", not "161,2 €"
  return d > c.decimals ? Math.max(d, minorUnitOf(c)) : d
}

function loyaltyText(f: ReasonFacts, opts: ReasonOptions): string {
  const promoterMin = opts.promoterMin ?? 9
  const minRepeat = opts.minRepeat ?? 1
  const l = f.loyalty as NonNullable<ReasonFacts['loyalty']>
  const name = TYPE_NAME[l.type]
  const c = f.cadence
  switch (l.rule) {
    case 'single_purchase': {
      // rules asking more than one repeat make a one-time buyer of a customer with several days
      const repeats = l.repeatDays ?? 0
      if (repeats > 0) {
        const days = `${plural(repeats + 1, 'purchase day')} (${plural(repeats, 'repeat')}; the rules ask for ${countText(minRepeat)})`
        return c ? `${name}: ${days}, the last ${ago(c.daysSinceLast)}` : `${name}: ${days}`
      }
      // one purchase day, which may hold several orders
      const orders = f.profit?.orders ?? f.segment?.orders ?? 1
      const what = orders > 1 ? `${countText(orders)} orders on a single day` : 'a single order'
      return c ? `${name}: ${what}, ${ago(c.daysSinceLast)}` : `${name}: ${what}`
    }
    case 'p_alive_low':
      // under half a percent is "under 1 %", not a flat "0 %"
      return f.pAlive === undefined
        ? `${name}: unlikely to still be active`
        : `${name}: ${pctBelow(f.pAlive * 100, (opts.pAliveBelow ?? 0.3) * 100)} chance of still being active`
    case 'overdue':
      return c ? `${name}: ${overdueText(c.daysSinceLast, c.usualGapDays)}` : `${name}: overdue`
    case 'detractor':
      return f.nps === undefined ? `${name}: detractor` : `${name}: detractor (NPS answer ${f.nps})`
    case 'high_value_connected': {
      const signs: string[] = []
      const r = f.referrals
      if (r && r.direct > 0) signs.push(plural(r.direct, 'referral'))
      const reviews = f.engagement?.reviews ?? 0
      if (reviews > 0) signs.push(plural(reviews, 'review'))
      if (f.nps !== undefined && f.nps >= promoterMin) signs.push(`promoter (NPS ${f.nps})`)
      const e = f.engagement
      const signal = opts.engagementSignalPercentile ?? 60
      if (e && e.percentile > 0 && e.percentile >= signal) {
        const share = e.topShare
        signs.push(
          share !== undefined && Number.isFinite(share)
            ? rankWords(share, e.percentile, signal, 'engagement')
            : `engagement in the top ${pct(Math.max(1, 100 - e.percentile))}`,
        )
      }
      const vs = f.valueTopShare
      const vp = f.valuePercentile
      const minValue = opts.minValuePercentile ?? 70
      const top =
        vs !== undefined && Number.isFinite(vs)
          ? rankWords(vs, vp !== undefined && vp >= minValue ? vp : undefined, minValue, 'value')
          : f.valuePercentile === undefined
            ? 'high value'
            : `top ${pct(Math.max(1, 100 - f.valuePercentile))} by value`
      return signs.length ? `${name}: ${top} with ${signs.join(', ')}` : `${name}: ${top}`
    }
    case 'price_driven':
      return f.priceDrivenShare === undefined
        ? `${name}: buys mostly on discount`
        : `${name}: ${pct(f.priceDrivenShare * 100)} of orders used a discount`
    case 'switching_cost':
      return `${name}: stays because leaving has a cost (contract, subscription or balance)`
    case 'disengaged': {
      // the rule is a low engagement percentile, not none: one email open in a quarter is some.
      // The percentile counts ties as at or below, so 100 - it is the share strictly above (rounded
      // down: no more than are).
      // A customer without any engagement is at percentile 0 by rule, not above nobody: the
      // share more engaged is then the share with any.
      const p = f.engagement?.percentile
      const some = f.engagement?.engagedShare
      const low =
        p === undefined || !Number.isFinite(p)
          ? 'engages little'
          : p > 0
            ? `is less engaged than ${pct(Math.floor(100 - p))} of customers`
            : f.engagement?.events === true
              ? // old events only: their weight has decayed to next to nothing
                some !== undefined && Number.isFinite(some) && some > 0
                ? `has next to no engagement lately (only events long past), where ${pct(Math.floor(some))} of customers have more`
                : 'has next to no engagement lately (only events long past)'
              : some !== undefined && Number.isFinite(some)
                ? `has no engagement on record, where ${pct(Math.floor(some))} of customers have some`
                : 'has no engagement on record'
      return `${name}: ${againText(f, opts)} but ${low}, with no referral, review or promoter answer`
    }
    case 'repeat_transactional':
      // the lucrative loyal has value AND connection; this customer lacks one or both (a top
      // customer by value with too few signs of connection lands here too)
      return `${name}: ${againText(f, opts)}, but is not both high in value and connected (referrals, reviews, engagement, promoter score) as a lucrative loyal is`
  }
  return name
}

/**
 * The top reasons for a customer's tier, segment and type, in plain words with figures, in a fixed
 * order: (1) the tier, with what makes up its total value beyond spend (referrals, a loss) folded
 * in, (2) the segment, (3) the loyalty type; then what is left: referrals and a loss when there is
 * no tier to carry them (by impact), cadence and overdue, past and predicted profit (or revenue) by
 * impact, engagement. So the first three always explain tier, segment and type, one each, when
 * the facts name them; a fact left out moves the next reason up.
 * @example buildReasons({ tier: { name: 'Platinum', basis: 'rank', totalValue: 8410, topPercent: 2 },
 *   referrals: { direct: 4, directValue: 1240, indirect: 0, value: 1240 } }, { currency })
 * // [{ code: 'tier_rank', amount: 8410,
 * //    text: 'top 2 % by total value ($8,410); referred 4 customers worth $1,240' }]
 */
export function buildReasons(f: ReasonFacts, opts: ReasonOptions): Reason[] {
  const money = moneyFormatter(opts.currency)
  const limit = opts.limit ?? 3
  const out: Reason[] = []
  // each reason is worded only when it is kept (this runs for every customer of an analysis)
  if (out.length >= limit) return out
  // referrals worth nothing (the referred never bought) add no money to any sum: not a reason
  const r =
    f.referrals !== undefined && f.referrals.direct > 0 && f.referrals.value !== 0
      ? f.referrals
      : undefined
  const p = f.profit
  const loss = p !== undefined && p.basis !== 'revenue' && p.past < 0 ? p : undefined
  const t = f.tier
  if (t) {
    const code = tierCode(t)
    let text = tierText(t, code, money, opts.currency)
    // total value = past + predicted profit + referral value: what only some customers have is
    // said with the tier it lifts or sinks, so the first three keep room for segment and type
    if (r) text += `; ${referralText(r, money, opts.currency)}`
    if (loss) text += `; ${lossText(loss, money, opts.currency)}`
    out.push({ code, text, amount: t.totalValue })
    if (out.length >= limit) return out
  }
  const s = f.segment
  if (s) {
    out.push({
      code: 'segment',
      text: `${s.name}: last order ${ago(s.daysSinceLast)}, ${plural(s.orders, 'order')}, ${money(s.revenue)} spent`,
    })
    if (out.length >= limit) return out
  }
  if (f.loyalty) {
    out.push({
      code: 'loyalty_type',
      text: loyaltyText(f, opts),
    })
    if (out.length >= limit) return out
  }
  if (!t) {
    // no tier to carry them: referrals and a loss stand alone, the larger impact first
    const lossAmount = loss ? lossImpact(loss) : 0
    const lossFirst = loss !== undefined && (!r || Math.abs(lossAmount) > Math.abs(r.value))
    if (loss && lossFirst) out.push(lossReason(loss, lossAmount, money, opts.currency))
    if (r && out.length < limit) {
      out.push({ code: 'referrals', text: referralText(r, money, opts.currency), amount: r.value })
    }
    if (loss && !lossFirst && out.length < limit)
      out.push(lossReason(loss, lossAmount, money, opts.currency))
    if (out.length >= limit) return out
  }
  const c = f.cadence
  if (c && c.orders >= 3 && hasGap(c)) {
    const overdue = isOverdue(c, opts)
    const unit = durationUnit(c.usualGapDays)
    const every = count(c.usualGapDays, unit)
    // the span of the buying (first to last purchase: orders - 1 usual gaps), not the tenure to
    // date: three orders in 2023 and none since is not "for 3 years"; past tense once overdue
    const span = formatDuration(c.usualGapDays * (c.orders - 1))
    out.push({
      code: 'cadence',
      text: `${overdue ? 'bought' : 'buys'} every ${every === 1 ? unit : `${every} ${unit}s`} for ${span}`,
    })
    if (out.length >= limit) return out
    // when the type already says it, it is not repeated
    if (overdue && f.loyalty?.rule !== 'overdue') {
      out.push({ code: 'overdue', text: overdueText(c.daysSinceLast, c.usualGapDays) })
      if (out.length >= limit) return out
    }
  }
  if (p) {
    // past (or a loss already said) and predicted, the larger impact first
    const past = p.basis === 'revenue' ? p.past : loss ? 0 : Math.max(0, p.past)
    const predicted = p.predicted ?? 0
    const usable = p.basis === 'revenue' ? predicted > 0 : predicted !== 0
    const predictedFirst = usable && Math.abs(predicted) > Math.abs(past)
    if (predictedFirst) out.push(predictedReason(p, predicted, money))
    if (past !== 0 && out.length < limit) out.push(pastReason(p, money))
    if (usable && !predictedFirst && out.length < limit) {
      out.push(predictedReason(p, predicted, money))
    }
    if (out.length >= limit) return out
  }
  const e = f.engagement
  if (e && e.percentile >= (opts.engagementMinPercentile ?? 75)) {
    const share = e.topShare
    if (share === undefined || !Number.isFinite(share)) {
      out.push({ code: 'engagement', text: `more engaged than ${pct(e.percentile)} of customers` })
    } else if (Math.round(100 - share) > 0) {
      // the percentile counts ties (and the customer) as below: "more engaged than" is the share
      // strictly below; tied with nearly everyone, there is nobody to be more engaged than
      out.push({ code: 'engagement', text: `more engaged than ${pct(100 - share)} of customers` })
    }
  }
  return out
}

type TierFacts = NonNullable<ReasonFacts['tier']>

function tierCode(t: TierFacts): ReasonCode {
  if (t.heldByGrace && t.boundary !== undefined) return 'tier_grace'
  if (t.basis === 'rank' && t.topPercent !== undefined) return 'tier_rank'
  if (t.boundary !== undefined && Number.isFinite(t.boundary)) return 'tier_threshold'
  // the lowest tier (its boundary is -Infinity) or a tier whose boundary is unknown
  return 'tier_base'
}

function tierText(
  t: TierFacts,
  code: ReasonCode,
  money: (n: number) => string,
  c: CurrencyConfig,
): string {
  const total = money(t.totalValue)
  const boundary = t.boundary ?? 0
  switch (code) {
    case 'tier_grace': {
      // a rank tier nobody reaches this run (ties at the line above took its share) has no
      // minimum to be below
      const below = Number.isFinite(boundary)
        ? belowText(t.totalValue, boundary, c, (m) => `its ${m} minimum`, t.basis === 'threshold')
        : `${total} no longer qualifies for it (no customer does this run)`
      if (t.graceUnit === 'refit') {
        return `kept in ${t.name} until the next refit (demotions wait for it): total value ${below}`
      }
      const left = t.graceLeft ?? 0
      const one = t.graceUnit === 'runs' ? 'scoring run' : 'day'
      // 0 left: this day (run) is the last one held, not "for 0 more days"
      const unit = left > 0 ? `for ${plural(left, `more ${one}`)}` : `for the last ${one}`
      return `kept in ${t.name} ${unit} (grace period): total value ${below}`
    }
    case 'tier_rank':
      return `top ${t.topPercent} % by total value (${total})`
    case 'tier_threshold': {
      // the total with the decimals that tell it from the minimum it reaches (200.00 "reaches the
      // minimum of €200" of 199.995 read as a tie) and from the one above it stays under (999.50
      // must not read "1,000" under a Gold minimum of 1,000), not padded past its minor unit
      // ("€200.000"); the minimum with those that tell it from the total
      const next = t.nextBoundary
      const minor = minorUnitOf(c)
      // (a minimum finer than the cent, 199.995, is shown as it is, not as 200.00)
      const reach = Math.max(
        Number.isFinite(boundary) && boundary < t.totalValue
          ? (decimalsApart(boundary, t.totalValue, c.decimals, minor) ?? c.decimals)
          : c.decimals,
        Number.isFinite(boundary) ? lineDecimals(c, boundary) : c.decimals,
      )
      const under =
        next !== undefined && Number.isFinite(next) && t.totalValue < next
          ? (decimalsApart(t.totalValue, next, c.decimals, minor) ?? c.decimals)
          : c.decimals
      const at = (d: number) => (d === c.decimals ? moneyFormatter(c) : finerFormatter(c, d))
      const own = ownDecimals(c, at(Math.max(reach, under)), t.totalValue)
      return `total value ${own(t.totalValue)} reaches the ${t.name} minimum of ${at(reach)(boundary)}`
    }
  }
  const a = t.above
  if (a === undefined || !Number.isFinite(a.boundary)) return `${t.name}: total value ${total}`
  const share = a.topPercent === undefined ? '' : ` (the top ${a.topPercent} %)`
  const below = belowText(
    t.totalValue,
    a.boundary,
    c,
    (m) => `the ${a.name} minimum of ${m}`,
    t.basis === 'threshold',
  )
  return `${t.name}: total value ${below}${share}`
}

/**
 * "€314.53 is below the minimum of €314.59": the two amounts with the decimals that tell them
 * apart (moneyApart), a total to the minor unit not padded past it ("$69.50 is below the minimum
 * of $69.504"); when none do (a total shown to the cent just under a finer minimum), the
 * total's figure is left out rather than shown at or above the line it is below.
 */
function belowText(
  value: number,
  line: number,
  c: CurrencyConfig,
  minimum: (m: string) => string,
  configured: boolean,
): string {
  // a configured minimum (threshold tiers) as it is: 199.995 shown as 200.00 read as a line it
  // is not; a rank tier's line is some customer's total, said to the decimals that tell them apart
  const fine = configured ? lineDecimals(c, line) : c.decimals
  const fmt = moneyApart(c, value, line, undefined, fine)
  if (fmt) return `${ownDecimals(c, fmt, value)(value)} is below ${minimum(fmt(line))}`
  const at = fine === c.decimals ? moneyFormatter(c) : finerFormatter(c, fine)
  return `is just below ${minimum(at(line))}`
}

/**
 * The formatter of a total beside a minimum shown by `fmt`: a total is to the minor unit, and the
 * decimals only a finer minimum needs would pad it with zeros ("$69.500 is below ... $69.504",
 * "¥40,195.0"), so it keeps its own.
 */
function ownDecimals(
  c: CurrencyConfig,
  fmt: (n: number) => string,
  value: number,
): (n: number) => string {
  const minor = minorUnitOf(c)
  return fmt !== moneyFormatter(c) && roundHalfAway(value, minor) === value
    ? finerFormatter(c, Math.max(minor, c.decimals))
    : fmt
}

type ReferralFacts = NonNullable<ReasonFacts['referrals']>
type ProfitFacts = NonNullable<ReasonFacts['profit']>

function referralText(r: ReferralFacts, money: (n: number) => string, c: CurrencyConfig): string {
  // the people reached through them add nothing (a decay of 0, or no value of their own): the
  // referral value is the direct one, and "referral value 111" beside them read as their share.
  // Told by the amounts, not their text: 100.10 direct and 100.45 in all both read "100" in
  // whole units, and "adding nothing" was said of the 0.35 the deeper levels brought.
  const nothing = r.indirect > 0 && r.value === r.directValue
  // when the two read the same, both are written with the decimals that tell them apart
  const fmt =
    r.indirect > 0 && !nothing && money(r.value) === money(r.directValue)
      ? (moneyApart(c, Math.min(r.value, r.directValue), Math.max(r.value, r.directValue)) ?? money)
      : money
  // the value is all theirs (the people referred brought others, but have no value of their
  // own: no purchase, or all of it refunded): no "customer worth €0"
  const buyers = Math.min(r.directBuyers ?? r.direct, r.direct)
  const text =
    r.directValue === 0 && r.indirect > 0
      ? `referred ${plural(r.direct, 'person', 'people')} of no value of their own`
      : buyers < r.direct
        ? `referred ${plural(r.direct, 'person', 'people')}, ${countText(buyers)} of them ${buyers === 1 ? 'a customer' : 'customers'} worth ${fmt(r.directValue)}`
        : `referred ${plural(r.direct, 'customer')} worth ${fmt(r.directValue)}`
  if (r.indirect === 0) return text
  if (nothing) {
    return `${text} (and ${intFmt.format(r.indirect)} more through them, adding nothing to the value)`
  }
  return `${text} (and ${intFmt.format(r.indirect)} more through them; referral value ${fmt(r.value)})`
}

/** One cost to serve a loss reason names, in words, with its amount. */
interface CostPart {
  readonly words: string
  /** Said inside the part's parentheses before the amount ("6 h"). */
  readonly detail?: string
  readonly amount: number
}

/**
 * The costs to serve that were counted and are not zero, the largest first (ties in the order
 * tickets, returns, shipping, fees, discounts), so a loss is not blamed on one cost that others
 * made too. Discounts cost nothing unless `discountAsCost`; without the parts of `otherCost`, they
 * are named together as before.
 */
function costParts(p: ProfitFacts): CostPart[] {
  const parts: CostPart[] = []
  const tickets = p.tickets ?? 0
  // a kind counted but free (no minutes, or no rate) made none of the loss
  if (tickets > 0 && (p.ticketCost ?? 0) > 0) {
    const mins = p.ticketMinutes ?? 0
    parts.push({
      words: plural(tickets, 'support ticket'),
      ...(mins > 0 ? { detail: hours(mins) } : {}),
      amount: p.ticketCost ?? 0,
    })
  }
  const returns = p.returns ?? 0
  if (returns > 0 && (p.returnCost ?? 0) > 0) {
    parts.push({ words: plural(returns, 'return'), amount: p.returnCost ?? 0 })
  }
  if (p.shippingCost === undefined && p.feeCost === undefined && p.discountCost === undefined) {
    const other = p.otherCost ?? 0
    if (other > 0) parts.push({ words: 'shipping, fees and discounts', amount: other })
  } else {
    if ((p.shippingCost ?? 0) > 0) parts.push({ words: 'shipping', amount: p.shippingCost ?? 0 })
    if ((p.feeCost ?? 0) > 0) parts.push({ words: 'fees', amount: p.feeCost ?? 0 })
    if ((p.discountCost ?? 0) > 0) parts.push({ words: 'discounts', amount: p.discountCost ?? 0 })
  }
  // a stable sort: equal amounts keep the order above
  return parts.sort((a, b) => b.amount - a.amount)
}

const costsTotal = (parts: readonly CostPart[]): number =>
  parts.reduce((sum, part) => sum + part.amount, 0)

/** "1 support ticket (20 min), shipping and fees cost €22": the kinds, the largest first. */
function costsText(parts: readonly CostPart[], money: (n: number) => string): string {
  const kinds = parts.map((part) => (part.detail ? `${part.words} (${part.detail})` : part.words))
  return `${wordList(kinds)} cost ${money(costsTotal(parts))}`
}

/** The money a loss reason cites: the costs it names against a margin, else the loss itself. */
function lossImpact(p: ProfitFacts): number {
  const parts = costParts(p)
  return (p.grossMargin ?? 0) < 0 || parts.length === 0 ? p.past : -costsTotal(parts)
}

/**
 * A loss told by what made it: a negative margin first (sold below cost or refunded: the customer
 * was a loss before any cost to serve), then the costs to serve counted, the largest first. With a
 * margin that is not negative, the costs are said against it, written so that they never read as
 * equal to it and the profit agrees with them (moneyApart).
 */
function lossText(p: ProfitFacts, money: (n: number) => string, c: CurrencyConfig): string {
  const parts = costParts(p)
  const gm = p.grossMargin
  if (gm !== undefined && gm < 0) {
    // no cost to serve: the margin is the loss
    if (parts.length === 0)
      return `served at a loss: sold below cost or refunded (margin ${money(gm)})`
    // margin minus costs is the profit said: "-€3 ... €21 more (profit -€25)" would not add up
    const fmt = moneyApart(c, gm, costsTotal(parts), -p.past) ?? money
    return `served at a loss: sold below cost or refunded (margin ${fmt(gm)}), and ${costsText(parts, fmt)} more (profit ${fmt(p.past)})`
  }
  if (parts.length === 0) return `served at a loss (profit ${money(p.past)})`
  if (gm === undefined)
    return `served at a loss: ${costsText(parts, money)} (profit ${money(p.past)})`
  const fmt = moneyApart(c, gm, costsTotal(parts), -p.past) ?? money
  return `served at a loss: ${costsText(parts, fmt)}, more than the margin of ${fmt(gm)} (profit ${fmt(p.past)})`
}

function lossReason(
  p: ProfitFacts,
  amount: number,
  money: (n: number) => string,
  c: CurrencyConfig,
): Reason {
  return { code: 'served_at_loss', text: lossText(p, money, c), amount }
}

function pastReason(p: ProfitFacts, money: (n: number) => string): Reason {
  if (p.basis !== 'revenue') {
    return {
      code: 'past_profit',
      text: `earned ${money(p.past)} profit from ${plural(p.orders, 'order')}`,
      amount: p.past,
    }
  }
  return {
    code: 'past_revenue',
    text:
      p.past > 0
        ? `spent ${money(p.past)} over ${plural(p.orders, 'order')}`
        : `refunds exceed purchases by ${money(-p.past)}`,
    amount: p.past,
  }
}

function predictedReason(p: ProfitFacts, predicted: number, money: (n: number) => string): Reason {
  if (p.basis === 'revenue') {
    return {
      code: 'predicted_revenue',
      text: `expected to spend ${money(predicted)} more`,
      amount: predicted,
    }
  }
  return {
    code: 'predicted_profit',
    text:
      predicted > 0
        ? `expected to bring ${money(predicted)} more profit`
        : `expected to cost ${money(-predicted)} more than they bring`,
    amount: predicted,
  }
}
