// Formatting and escaping for the HTML report. Locale is fixed (en-US) so a report reads the same
// on every machine and tests can assert exact strings. Every user string goes through escapeHtml.

import { minorDigits, roundHalfAway } from '../core/round.ts'
import { exactDecimals } from '../core/words.ts'

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/**
 * Bidirectional controls: embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069) and
 * the marks U+200E/U+200F. One in a customer id would reorder the rest of the sentence around it.
 */
const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/**
 * Escape text for HTML element content and quoted attribute values (also valid inside SVG).
 * Customer ids and segment names come from user files, so everything printed goes through here;
 * bidi controls become U+FFFD, visible and inert, since user text is often built into a sentence
 * before it is escaped (no element could isolate it there).
 * @example escapeHtml('<b>"x"</b>') // '&lt;b&gt;&quot;x&quot;&lt;/b&gt;'
 * @example escapeHtml('\u202eBOB') // '\ufffdBOB'
 */
export function escapeHtml(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value)
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c).replace(BIDI_CONTROLS, '\ufffd')
}

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

/** 1234567 -> '1,234,567'; non-finite -> '–'. */
export function formatInt(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–'
  return intFmt.format(Math.round(n))
}

/**
 * A count and its noun, singular for exactly one.
 * @example formatCount(1, 'customer') // '1 customer'; formatCount(1959, 'order') // '1,959 orders'
 */
export function formatCount(n: number, one: string, many = `${one}s`): string {
  return `${formatInt(n)} ${n === 1 ? one : many}`
}

/**
 * A number with thousands separators and a fixed number of decimals.
 * @example formatNumber(1234.5, 1) // '1,234.5'
 */
export function formatNumber(n: number | null | undefined, decimals = 2): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–'
  // 'negative': no minus on a value that shows as zero (-0, -0.001), which read as a loss
  return new Intl.NumberFormat('en-US', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
    signDisplay: 'negative',
  }).format(roundHalfAway(n, decimals))
}

/**
 * An expected count (purchases): one decimal from 0.95 up, two significant digits below it, so a
 * small expectation does not read as none (0.012, not 0.0), and "< 0.001" below that (not
 * 0.000000000000019, which reads as noise).
 * @example formatExpected(3.14) // '3.1'; formatExpected(0.0123) // '0.012'; formatExpected(0) // '0'
 */
export function formatExpected(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–'
  if (n === 0) return '0'
  if (n > 0 && n < 0.001) return '< 0.001'
  if (Math.abs(n) >= 0.95) return formatNumber(n, 1)
  return new Intl.NumberFormat('en-US', { maximumSignificantDigits: 2 }).format(n)
}

/**
 * Money: with the ISO currency symbol when the data names one, else plain with 2 decimals.
 * An unknown currency is shown without a symbol rather than guessed. `decimals`: that many
 * instead of the currency's own.
 * @example formatMoney(1234.5, 'USD') // '$1,234.50'
 */
export function formatMoney(
  n: number | null | undefined,
  currency: string | null = null,
  locale = 'en-US',
  decimals?: number,
): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–'
  const digits =
    decimals === undefined
      ? {}
      : { minimumFractionDigits: decimals, maximumFractionDigits: decimals }
  if (currency) {
    try {
      const fmt = new Intl.NumberFormat(locale, {
        style: 'currency',
        currency,
        signDisplay: 'negative',
        ...digits,
      })
      return fmt.format(roundHalfAway(n, fmt.resolvedOptions().maximumFractionDigits ?? 2))
    } catch {
      // not an ISO 4217 code: fall through and print the code after the number
      return `${formatNumber(n, decimals ?? 2)} ${currency}`
    }
  }
  return formatNumber(n, decimals ?? 2)
}

/**
 * Money as it is, with the decimals it has past the currency's own (up to four more): a
 * configured line such as a tier minimum of 199.995, which {@link formatMoney} shows as 200.00 beside
 * a tier starting at 200.
 * @example formatMoneyExact(199.995, 'EUR') // '€199.995'; formatMoneyExact(200, 'EUR') // '€200.00'
 */
export function formatMoneyExact(
  n: number | null | undefined,
  currency: string | null = null,
  locale = 'en-US',
): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–'
  const minor = minorDigits(currency)
  const d = exactDecimals(n, minor, minor + 4)
  return formatMoney(n, currency, locale, d === minor ? undefined : d)
}

/**
 * Money for a figure card: to the minor unit below 1,000 in size (a compact "$28.2" beside a table
 * of "$28.20" read as another amount), compact above (€1.98M).
 * @example formatMoneyCard(28.2, 'USD') // '$28.20'
 */
export function formatMoneyCard(
  n: number | null | undefined,
  currency: string | null = null,
  locale = 'en-US',
): string {
  return n !== null && n !== undefined && Math.abs(n) < 1000
    ? formatMoney(n, currency, locale)
    : formatMoneyCompact(n, currency, locale)
}

/**
 * Compact money for chart labels and cards: 1.2M, 34.5K. A locale with no short word for a size
 * (German, Japanese below 10,000: "7370 €" for 7,372.16) shows it in whole units instead ("7.372 €"):
 * three significant digits without a "K" read as an exact amount.
 * @example formatMoneyCompact(1234567) // '1.23M'
 */
export function formatMoneyCompact(
  n: number | null | undefined,
  currency: string | null = null,
  locale = 'en-US',
): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–'
  const opts: Intl.NumberFormatOptions = { notation: 'compact', maximumSignificantDigits: 3 }
  const shown = (f: Intl.NumberFormat): string => {
    if (Math.abs(n) < 1000 || f.formatToParts(n).some((p) => p.type === 'compact')) {
      return f.format(n)
    }
    const o = f.resolvedOptions()
    return new Intl.NumberFormat(o.locale, {
      ...(o.style === 'currency' ? { style: 'currency', currency: o.currency } : {}),
      maximumFractionDigits: 0,
    }).format(n)
  }
  if (currency) {
    try {
      return shown(new Intl.NumberFormat(locale, { ...opts, style: 'currency', currency }))
    } catch {
      // unknown code: plain compact number
    }
  }
  return shown(new Intl.NumberFormat('en-US', opts))
}

/**
 * A share (0..1) as a percentage.
 * @example formatPct(0.4567) // '45.7%'
 */
export function formatPct(share: number | null | undefined, decimals = 1): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '–'
  return `${formatNumber(share * 100, decimals)}%`
}

/**
 * The fewest decimals, up to `most`, that write `share` as a percent exactly: 0.3 needs none
 * (30%), 0.025 one (2.5%); 0.5354 with at most one is 53.5%, not 54%.
 */
export function pctDecimals(share: number, most: number): number {
  let decimals = 0
  while (decimals < most && Math.abs(roundHalfAway(share * 100, decimals) - share * 100) > 1e-9) {
    decimals++
  }
  return decimals
}

/**
 * The top cohort in words: the share as asked, with the decimals it was given ('top 2.5% of
 * 4,303'), or, when the cohort, a whole number of customers (at least one), holds a share that
 * reads otherwise at that precision, the count itself ('top 1 of 3', not 'top 10% of 3').
 * @example formatTopShare(0.004, 17, 4303) // 'top 0.4% of 4,303'
 */
export function formatTopShare(share: number, top: number, eligible: number): string {
  const decimals = pctDecimals(share, 6)
  const asked = formatPct(share, decimals)
  return eligible > 0 && formatPct(top / eligible, decimals) !== asked
    ? `top ${formatInt(top)} of ${formatInt(eligible)}`
    : `top ${asked} of ${formatInt(eligible)}`
}

/**
 * " (1 customer of 3)" when the top `percent` group is far from that share of `total` customers
 * (rounded up on few customers: the top 10% of 3 is 1 of them); else "". Said beside a share so
 * that "the top 10% hold 62%" does not read as a tenth of the customers.
 */
export function roundedGroupNote(
  group: { percent: number; customers: number } | undefined,
  total: number,
): string {
  if (!group || total <= 0) return ''
  if (Math.abs(group.customers / total - group.percent / 100) <= 0.01) return ''
  return ` (${formatInt(group.customers)} customer${group.customers === 1 ? '' : 's'} of ${formatInt(total)})`
}
