// The ideal customer profile: a few generated sentences from the other analyses' results, each one
// backed by a significant figure (nothing is said about an effect that was not found).
import { fisherExact } from '../../core/stats/proportion.ts'
import {
  formatCount,
  formatInt,
  formatMoney,
  formatPct,
  formatTopShare,
} from '../../report/format.ts'
import { NO_VALUE } from './over-index.ts'
import type { OverIndexSummary, PathToBest, RisingStars } from './types.ts'

export interface TopProfileRow {
  readonly top: boolean
  readonly customers: number
  readonly purchases_per_year: number | null
  readonly median_gap_days: number | null
  readonly first_order_value: number | null
  readonly back_within: number | null
  readonly discount_first: number | null
}

/**
 * Top customers below which their rhythm is not compared with the others' (the over-index's
 * fewest customers for a level): a median of a handful says nothing.
 */
const MIN_TOP = 20

const ratio = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a !== null && a !== undefined && b !== null && b !== undefined && b > 0 ? a / b : null

/**
 * Sentences on who the best customers are (significant over-indexed levels, Holm p < 0.05), when
 * they buy (purchase rhythm against the rest, from MIN_TOP top customers), what they buy
 * (productive first baskets with q < 0.05), and what keeps them (coming back early, when Fisher's
 * exact test finds the top cohort's share different at p < 0.05; the model's strongest early
 * signal).
 * @example icpText(overIndex, path, stars, profile, { topShare: 0.1, stickyDays: 90, currency: 'EUR', topCustomers: 40, eligible: 400 })
 */
export function icpText(
  over: OverIndexSummary,
  path: PathToBest | null,
  stars: RisingStars | null,
  profile: readonly TopProfileRow[],
  ctx: {
    topShare: number
    stickyDays: number
    currency: string | null
    topCustomers: number
    eligible: number
  },
): string[] {
  // nothing was compared: no sentence may read as "tested, and nothing found"
  if (ctx.topCustomers === 0) {
    return [
      'No top cohort could be ranked (no customer has the history it needs): there is no profile of the best customers yet.',
    ]
  }
  const out: string[] = []
  const who = over.significant.filter((l) => l.index >= 120).slice(0, 3)
  // the two rarest, ties (three levels at 0x) to the most significant: country US before the
  // region and the city within it; the rarest first
  const rare = over.significant
    .filter((l) => l.index <= 80)
    .sort((a, b) => a.index - b.index || a.pHolm - b.pHolm)
    .slice(0, 2)
  const label = `the ${formatTopShare(ctx.topShare, ctx.topCustomers, ctx.eligible)}`
  // the level of customers without a value is said as that: "country (none)" read as a country
  const where = (l: { attribute: string; level: string }) =>
    l.level === NO_VALUE ? `no ${l.attribute} recorded` : `${l.attribute} ${l.level}`
  // where the best are significantly rarer is said whether or not they are concentrated anywhere
  const rarer =
    rare.length > 0
      ? ` They are rarer in ${rare.map((l) => `${where(l)} (${(l.index / 100).toFixed(1)}×)`).join('; ')}.`
      : ''
  if (who.length > 0) {
    out.push(
      `Who: ${label} are concentrated in ${who
        .map(
          (l) =>
            `${where(l)} (${formatPct(l.shareTop)} of them vs ${formatPct(l.shareAll)} of all, ${(l.index / 100).toFixed(1)}×)`,
        )
        .join('; ')}.${rarer}`,
    )
  } else if (rarer !== '') {
    out.push(`Who: no customer attribute is significantly more common among ${label}.${rarer}`)
  } else if (over.levels.length === 0 && over.attributesCompared.length > 0) {
    out.push(
      `Who: too few customers to compare: no value of ${over.attributesCompared.join(', ')} is held by ${over.minCount} customers.`,
    )
  } else if (over.levels.length === 0 && over.attributesTooRecent.length > 0) {
    // imported, but only on customers too new to rank: importing again would change nothing
    out.push(
      `Who: not compared yet: only customers with less than ${formatCount(over.minHistoryDays, 'day')} of history have a value for ${over.attributesTooRecent.join(', ')}.`,
    )
  } else if (over.levels.length === 0) {
    out.push(
      `Who: no customer attribute could be compared (import customers with a country, region, industry or channel, or order lines with categories).`,
    )
  } else {
    out.push(`Who: no customer attribute is significantly more common among ${label}.`)
  }
  const top = profile.find((p) => p.top)
  const rest = profile.find((p) => !p.top)
  if (top && rest && top.customers < MIN_TOP) {
    out.push(
      `When they buy: too few top customers (${formatInt(top.customers)}; ${MIN_TOP} needed) to compare their rhythm with the others'.`,
    )
  } else if (top && rest) {
    const f = ratio(top.purchases_per_year, rest.purchases_per_year)
    out.push(
      `When they buy: about ${(top.purchases_per_year ?? 0).toFixed(1)} purchases a year` +
        (f !== null ? ` (${f.toFixed(1)}× the others)` : '') +
        (top.median_gap_days !== null
          ? `, typically every ${Math.round(top.median_gap_days)} days`
          : '') +
        '.',
    )
  }
  const baskets = (path?.itemsets ?? []).filter(
    (s) => s.productive && s.qValue < 0.05 && s.lift > 1.2,
  )
  if (baskets.length > 0) {
    out.push(
      `What they buy: ${baskets
        .slice(0, 2)
        .map(
          (s) =>
            // the items are labels ("first order value: top quarter", "category: Books"):
            // quoted, a label's colon does not run into the sentence's
            `first orders with ${s.items.map((i) => `"${i}"`).join(' + ')} reach the top ${formatPct(s.rate)} of the time (${s.lift.toFixed(1)}× the base rate, ${s.customers} customers)`,
        )
        .join('; ')}.` +
        (top && top.first_order_value !== null
          ? // "Their" after the baskets read as those baskets' buyers: the figures are the top
            // customers' and the others'
            ` The top customers' median first order is ${formatMoney(top.first_order_value, ctx.currency)}` +
            (rest?.first_order_value
              ? ` vs ${formatMoney(rest.first_order_value, ctx.currency)} for the others.`
              : '.')
          : ''),
    )
  } else if (path && path.items === 0) {
    out.push(
      'What they buy: the first orders hold nothing to compare (no product, category, channel, campaign or discount, and one first-order value for all): import order lines, or orders with a channel or campaign, to see which first purchases lead to the top.',
    )
  } else if (!path || path.tested === 0) {
    out.push('What they buy: no first basket could be tested (too few customers share one).')
  } else {
    out.push('What they buy: no first basket raises the chance of reaching the top significantly.')
  }
  // nobody back within the window, top or rest (everyone bought once): no sentence rests on it
  if (
    top &&
    rest &&
    top.back_within !== null &&
    rest.back_within !== null &&
    (top.back_within > 0 || rest.back_within > 0)
  ) {
    // the shares are of each group's customers: back to counts for Fisher's exact test
    const a = Math.round(top.back_within * top.customers)
    const c = Math.round(rest.back_within * rest.customers)
    const p = fisherExact(a, top.customers - a, c, rest.customers - c).pValue
    if (!(p < 0.05)) {
      out.push(
        `What keeps them: coming back within ${ctx.stickyDays} days of the first order is not significantly more common among them (${formatPct(top.back_within)} of ${formatInt(top.customers)} against ${formatPct(rest.back_within)} of the others; Fisher p = ${p.toFixed(2)}).`,
      )
    } else {
      let s = `What keeps them: ${formatPct(top.back_within)} of them bought again within ${ctx.stickyDays} days of their first order, against ${formatPct(rest.back_within)} of the others.`
      const strongest = stars?.features
        .filter((f) => f.coefficient > 0)
        .sort((a, b) => b.coefficient - a.coefficient)[0]
      if (strongest) s += ` The strongest early sign in the model: ${strongest.words}.`
      out.push(s)
    }
  } else if (top && rest) {
    // said, as the other parts say when they find nothing (the profile ended without a word)
    out.push(
      `What keeps them: nothing to compare yet: no customer, top or other, bought again within ${ctx.stickyDays} days of their first order.`,
    )
  }
  return out
}
