// Plain-language reasons with figures for a customer's tier, segment and loyalty type. The service
// gathers the facts; this file only words them, ranks them by money impact and keeps the top N, so
// texts are testable without a database. Formatting (currency, locale) comes from the configuration.
import type { CurrencyConfig } from './config.ts'
import type { LoyaltyRule, LoyaltyType } from './loyalty-type.ts'

export const REASON_CODES = [
  'tier_rank',
  'tier_threshold',
  'tier_grace',
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
    readonly heldByGrace?: boolean
    readonly graceLeft?: number
    /** 'refit': the service keeps a tier until its next refit (live scores only promote). */
    readonly graceUnit?: 'days' | 'runs' | 'refit'
  }
  readonly segment?: {
    readonly name: string
    readonly daysSinceLast: number
    readonly orders: number
    readonly revenue: number
  }
  readonly loyalty?: { readonly type: LoyaltyType; readonly rule: LoyaltyRule }
  readonly referrals?: {
    readonly direct: number
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
    /** Margin before the cost to serve (a negative one: sold below cost, or refunds). */
    readonly grossMargin?: number
  }
  readonly cadence?: {
    readonly orders: number
    readonly usualGapDays: number
    readonly tenureDays: number
    readonly daysSinceLast: number
  }
  readonly engagement?: { readonly percentile: number; readonly reviews?: number }
  readonly nps?: number
  readonly pAlive?: number
  readonly priceDrivenShare?: number
  readonly valuePercentile?: number
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
}

/** Distinct amounts remembered per formatter; later ones are formatted each time. */
const MONEY_CACHE = 1 << 18
const formatters = new Map<string, (n: number) => string>()
/** The same configuration object (one per analysis) skips building the key for every customer. */
const byConfig = new WeakMap<CurrencyConfig, (n: number) => string>()

/**
 * A money formatter for the configured currency and locale, whole units by default. An unknown
 * currency code or locale prints a plain en-US number followed by the code rather than failing.
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

function makeFormatter(c: CurrencyConfig): (n: number) => string {
  const digits = { minimumFractionDigits: c.decimals, maximumFractionDigits: c.decimals }
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
  const direct = (n: number) => `${f.format(n)}${suffix}`
  if (c.decimals !== 0) return direct
  // Intl costs ~1 µs a call and a million customers' reasons cite a few amounts each: whole-unit
  // texts are remembered by rounded value
  const whole = new Map<number, string>()
  return (n: number) => {
    // Intl rounds half away from zero ("halfExpand"), as this does, and the rounded value formats
    // to the same text. Zero keeps the sign Intl shows ("-$0"), so it is never cached.
    const r = n < 0 ? -Math.round(-n) : Math.round(n)
    if (r === 0 || !Number.isFinite(r)) return direct(n)
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

/** Handling time in words: minutes below an hour, else hours to a tenth (the report's rule too). */
export function hours(minutes: number): string {
  if (minutes < 60) return `${Math.round(minutes)} min`
  return `${Math.round((minutes / 60) * 10) / 10} h`
}

const pct = (p: number) => `${Math.round(p)} %`

const TYPE_NAME: Record<LoyaltyType, string> = {
  lucrative_loyal: 'lucrative loyal',
  limited_loyal: 'limited loyal',
  lazy_loyal: 'lazy loyal',
  one_time_buyer: 'one-time buyer',
  lapsed: 'lapsed',
}

function overdueText(daysSinceLast: number, usualGapDays: number): string {
  const unit = durationUnit(usualGapDays)
  const since = count(daysSinceLast, unit)
  return `no order in ${plural(since, unit)} against a usual ${count(usualGapDays, unit)}`
}

function loyaltyText(f: ReasonFacts, promoterMin: number): string {
  const l = f.loyalty as NonNullable<ReasonFacts['loyalty']>
  const name = TYPE_NAME[l.type]
  const c = f.cadence
  switch (l.rule) {
    case 'single_purchase': {
      // one purchase day, which may hold several orders
      const orders = f.profit?.orders ?? f.segment?.orders ?? 1
      const what = orders > 1 ? `${countText(orders)} orders on a single day` : 'a single order'
      return c ? `${name}: ${what}, ${formatDuration(c.daysSinceLast)} ago` : `${name}: ${what}`
    }
    case 'p_alive_low':
      // under half a percent is "under 1 %", not a flat "0 %"
      return f.pAlive === undefined
        ? `${name}: unlikely to still be active`
        : `${name}: ${f.pAlive < 0.005 ? 'under 1 %' : pct(f.pAlive * 100)} chance of still being active`
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
      if (f.engagement && f.engagement.percentile > 0) {
        signs.push(`engagement in the top ${pct(Math.max(1, 100 - f.engagement.percentile))}`)
      }
      const top =
        f.valuePercentile === undefined
          ? 'high value'
          : `top ${pct(Math.max(1, 100 - f.valuePercentile))} by value`
      return signs.length ? `${name}: ${top} with ${signs.join(', ')}` : `${name}: ${top}`
    }
    case 'price_driven':
      return f.priceDrivenShare === undefined
        ? `${name}: buys mostly on discount`
        : `${name}: ${pct(f.priceDrivenShare * 100)} of orders used a discount or promotion`
    case 'switching_cost':
      return `${name}: stays because leaving has a cost (contract, subscription or balance)`
    case 'disengaged':
      return `${name}: buys again but shows no engagement, referral or review`
    case 'repeat_transactional':
      return `${name}: buys again without the value or signs of connection of a lucrative loyal`
  }
  return name
}

/**
 * The top reasons for a customer's tier, segment and type, in plain words with figures: the reason
 * of the largest money impact (|amount|; most often the tier's total value), then the grace
 * period, referrals and a loss by impact, then the loyalty type, the segment, cadence and overdue,
 * then the other sums (past and predicted profit) by impact, then engagement. The first three
 * thus explain a customer's tier, type and segment.
 * @example buildReasons({ referrals: { direct: 4, directValue: 1240, indirect: 0, value: 1240 } },
 *   { currency }) // [{ code: 'referrals', text: 'referred 4 customers worth $1,240', amount: 1240 }]
 */
export function buildReasons(f: ReasonFacts, opts: ReasonOptions): Reason[] {
  const money = moneyFormatter(opts.currency)
  const limit = opts.limit ?? 3
  // candidates carry their wording as a function: only the kept ones are worded (this runs for
  // every customer of an analysis, and most candidates fall outside the top three)
  const out: Candidate[] = []
  const t = f.tier
  if (t) {
    if (t.heldByGrace && t.boundary !== undefined) {
      const boundary = t.boundary
      out.push({
        code: 'tier_grace',
        text: () => {
          if (t.graceUnit === 'refit') {
            return `kept in ${t.name} until the next refit (demotions wait for it): total value ${money(t.totalValue)} is below its ${money(boundary)} minimum`
          }
          const left = t.graceLeft ?? 0
          const one = t.graceUnit === 'runs' ? 'scoring run' : 'day'
          // 0 left: this day (run) is the last one held, not "for 0 more days"
          const unit = left > 0 ? `for ${plural(left, `more ${one}`)}` : `for the last ${one}`
          return `kept in ${t.name} ${unit} (grace period): total value ${money(t.totalValue)} is below its ${money(boundary)} minimum`
        },
        amount: t.totalValue,
      })
    } else if (t.basis === 'rank' && t.topPercent !== undefined) {
      out.push({
        code: 'tier_rank',
        text: () => `top ${t.topPercent} % by total value (${money(t.totalValue)})`,
        amount: t.totalValue,
      })
    } else if (t.boundary !== undefined && Number.isFinite(t.boundary)) {
      const boundary = t.boundary
      out.push({
        code: 'tier_threshold',
        text: () =>
          `total value ${money(t.totalValue)} reaches the ${t.name} minimum of ${money(boundary)}`,
        amount: t.totalValue,
      })
    }
  }
  const r = f.referrals
  if (r && r.direct > 0) {
    out.push({
      code: 'referrals',
      text: () => {
        const text = `referred ${plural(r.direct, 'customer')} worth ${money(r.directValue)}`
        return r.indirect > 0
          ? `${text} (and ${intFmt.format(r.indirect)} more through them; referral value ${money(r.value)})`
          : text
      },
      amount: r.value,
    })
  }
  const p = f.profit
  if (p?.basis === 'revenue') {
    if (p.past !== 0) {
      out.push({
        code: 'past_revenue',
        text: () =>
          p.past > 0
            ? `spent ${money(p.past)} over ${plural(p.orders, 'order')}`
            : `refunds exceed purchases by ${money(-p.past)}`,
        amount: p.past,
      })
    }
    const predicted = p.predicted
    if (predicted !== undefined && predicted > 0) {
      out.push({
        code: 'predicted_revenue',
        text: () => `expected to spend ${money(predicted)} more`,
        amount: predicted,
      })
    }
  } else if (p) {
    const serviceCost = (p.ticketCost ?? 0) + (p.returnCost ?? 0)
    if (p.past < 0) {
      if ((p.tickets ?? 0) > 0 || (p.returns ?? 0) > 0) {
        out.push({
          code: 'served_at_loss',
          text: () => {
            const parts: string[] = []
            if ((p.tickets ?? 0) > 0) {
              const mins = p.ticketMinutes ?? 0
              parts.push(
                `${plural(p.tickets ?? 0, 'support ticket')}${mins > 0 ? ` (${hours(mins)})` : ''}`,
              )
            }
            if ((p.returns ?? 0) > 0) parts.push(plural(p.returns ?? 0, 'return'))
            return `served at a loss: ${parts.join(' and ')} cost ${money(serviceCost)}`
          },
          amount: -serviceCost,
        })
      } else {
        const gm = p.grossMargin
        out.push({
          code: 'served_at_loss',
          text: () =>
            // a negative margin is the loss itself (sold below cost, or refunds above purchases):
            // no cost "exceeds" anything then
            gm !== undefined && gm < 0
              ? `served at a loss: the orders' margin is ${money(gm)} (sold below cost or refunded), before any cost to serve (profit ${money(p.past)})`
              : `served at a loss: shipping, fees and discounts of ${money(p.otherCost ?? 0)} exceed the margin${gm !== undefined ? ` of ${money(gm)}` : ''} (profit ${money(p.past)})`,
          amount: p.past,
        })
      }
    } else if (p.past > 0) {
      out.push({
        code: 'past_profit',
        text: () => `earned ${money(p.past)} profit from ${plural(p.orders, 'order')}`,
        amount: p.past,
      })
    }
    const predicted = p.predicted
    if (predicted !== undefined && predicted !== 0) {
      out.push({
        code: 'predicted_profit',
        text: () =>
          predicted > 0
            ? `expected to bring ${money(predicted)} more profit`
            : `expected to cost ${money(-predicted)} more than they bring`,
        amount: predicted,
      })
    }
  }
  // a stable sort: equal impacts keep the order above
  const sums = out.sort((a, b) => Math.abs(b.amount ?? 0) - Math.abs(a.amount ?? 0))
  // The largest sum first (most often the tier's total value), then what only some customers
  // have (a grace period, referrals, a loss), then the type and the segment, so that the top
  // three explain tier, type and segment; the other sums after them.
  const ranked: Candidate[] = sums.slice(0, 1)
  // candidates after the first `limit` are never kept: none is made (a million customers a run)
  const room = () => ranked.length < limit
  for (let k = 1; k < sums.length && room(); k++) {
    const m = sums[k] as Candidate
    if (NOTABLE.has(m.code)) ranked.push(m)
  }
  const promoterMin = opts.promoterMin ?? 9
  if (f.loyalty && room()) {
    ranked.push({ code: 'loyalty_type', text: () => loyaltyText(f, promoterMin) })
  }
  const s = f.segment
  if (s && room()) {
    ranked.push({
      code: 'segment',
      text: () =>
        `${s.name}: last order ${s.daysSinceLast < 0.5 ? 'today' : `${formatDuration(s.daysSinceLast)} ago`}, ${plural(s.orders, 'order')}, ${money(s.revenue)} spent`,
    })
  }
  const c = f.cadence
  if (c && room() && c.orders >= 3 && Number.isFinite(c.usualGapDays) && c.usualGapDays > 0) {
    const overdue = c.daysSinceLast >= (opts.overdueMultiple ?? 2) * c.usualGapDays
    ranked.push({
      code: 'cadence',
      text: () => {
        const unit = durationUnit(c.usualGapDays)
        const every = count(c.usualGapDays, unit)
        // the span of the buying (first to last purchase: orders - 1 usual gaps), not the tenure
        // to date: three orders in 2023 and none since is not "for 3 years"; past tense once the
        // customer is overdue
        const span = formatDuration(c.usualGapDays * (c.orders - 1))
        return `${overdue ? 'bought' : 'buys'} every ${every === 1 ? unit : `${every} ${unit}s`} for ${span}`
      },
    })
    const already = f.loyalty?.rule === 'overdue'
    if (!already && overdue) {
      ranked.push({ code: 'overdue', text: () => overdueText(c.daysSinceLast, c.usualGapDays) })
    }
  }
  for (let k = 1; k < sums.length && room(); k++) {
    const m = sums[k] as Candidate
    if (!NOTABLE.has(m.code)) ranked.push(m)
  }
  const e = f.engagement
  if (e && room() && e.percentile >= (opts.engagementMinPercentile ?? 75)) {
    ranked.push({
      code: 'engagement',
      text: () => `more engaged than ${pct(e.percentile)} of customers`,
    })
  }
  const kept = ranked.length > limit ? ranked.slice(0, limit) : ranked
  return kept.map((k) =>
    k.amount === undefined
      ? { code: k.code, text: k.text() }
      : { code: k.code, text: k.text(), amount: k.amount },
  )
}

/** Sums that only some customers have: kept ahead of the type and segment (see buildReasons). */
const NOTABLE: ReadonlySet<ReasonCode> = new Set(['tier_grace', 'referrals', 'served_at_loss'])

/** A reason before it is worded. */
interface Candidate {
  readonly code: ReasonCode
  readonly text: () => string
  readonly amount?: number
}
