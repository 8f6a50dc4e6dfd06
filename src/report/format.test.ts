import { describe, expect, it } from 'vitest'
import {
  escapeHtml,
  formatCount,
  formatExpected,
  formatInt,
  formatMoney,
  formatMoneyCard,
  formatMoneyCompact,
  formatMoneyExact,
  formatNumber,
  formatPct,
  roundedGroupNote,
} from './format.ts'

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    )
  })
  it('leaves no raw markup from a hostile id', () => {
    const out = escapeHtml('<script>alert(1)</script>')
    expect(out).not.toMatch(/[<>]/)
    expect(out).toBe('&lt;script&gt;alert(1)&lt;/script&gt;')
  })
  it('does not double-escape and handles null / numbers', () => {
    expect(escapeHtml('&amp;')).toBe('&amp;amp;')
    expect(escapeHtml(null)).toBe('')
    expect(escapeHtml(undefined)).toBe('')
    expect(escapeHtml(42)).toBe('42')
  })
  it('turns bidi controls into U+FFFD so user text cannot reorder what follows it', () => {
    const controls = '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f'
    expect(escapeHtml(`${controls}BOB → ALICE`)).toBe(`${'\ufffd'.repeat(11)}BOB → ALICE`)
    // right-to-left letters are text, not controls: they stay
    expect(escapeHtml('שלום')).toBe('שלום')
  })
})

describe('number formats', () => {
  it('formats integers with thousands separators', () => {
    expect(formatInt(1234567)).toBe('1,234,567')
    expect(formatInt(2356.6)).toBe('2,357')
    expect(formatInt(Number.NaN)).toBe('–')
    expect(formatInt(null)).toBe('–')
  })
  it('formats fixed decimals', () => {
    expect(formatNumber(1234.5, 1)).toBe('1,234.5')
    expect(formatNumber(-0.126, 2)).toBe('-0.13')
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('–')
  })
  it('formats money with a known currency, plainly without one', () => {
    expect(formatMoney(1234.5, 'USD')).toBe('$1,234.50')
    expect(formatMoney(1234.5, 'EUR')).toBe('€1,234.50')
    expect(formatMoney(1234.5)).toBe('1,234.50')
    expect(formatMoney(1234.5, 'not-a-code')).toBe('1,234.50 not-a-code')
    expect(formatMoney(null, 'USD')).toBe('–')
    // a cost of zero shown as a subtraction (-0) or rounding to zero is not a loss
    expect(formatMoney(-0, 'USD')).toBe('$0.00')
    expect(formatMoney(-0.001, 'EUR')).toBe('€0.00')
    expect(formatMoney(-0)).toBe('0.00')
    expect(formatMoney(-5, 'USD')).toBe('-$5.00')
  })
  it('formats compact money', () => {
    expect(formatMoneyCompact(1234567)).toBe('1.23M')
    expect(formatMoneyCompact(11234)).toBe('11.2K')
    expect(formatMoneyCompact(12, 'USD')).toBe('$12')
  })
  it('writes whole units where the locale has no short word for the size, never 3 digits that look exact', () => {
    // German has no short form for thousands: compact notation wrote 7,372.16 as "7370 €"
    const nb = (t: string) => t.replace(/\s/g, ' ')
    expect(nb(formatMoneyCompact(7372.16, 'EUR', 'de-DE'))).toBe('7.372 €')
    expect(nb(formatMoneyCompact(-3581.15, 'EUR', 'de-DE'))).toBe('-3.581 €')
    expect(nb(formatMoneyCard(37805.68, 'EUR', 'de-DE'))).toBe('37.806 €')
    expect(nb(formatMoneyCompact(1234567, 'EUR', 'de-DE'))).toBe('1,23 Mio. €')
    expect(formatMoneyCompact(7372.16, 'EUR', 'ja-JP')).toBe('€7,372')
    expect(formatMoneyCompact(7372.16, 'EUR', 'fr-FR')).toContain('k')
  })
  it('writes a card figure below 1,000 to the minor unit, larger ones compact', () => {
    expect(formatMoneyCard(28.2, 'USD')).toBe('$28.20')
    expect(formatMoneyCard(-5600, 'JPY')).toBe('-¥5.6K')
    expect(formatMoneyCard(999.994, 'EUR')).toBe('€999.99')
    expect(formatMoneyCard(1980000, 'EUR')).toBe('€1.98M')
    expect(formatMoneyCard(null)).toBe('–')
  })
  it('formats shares as percentages', () => {
    expect(formatPct(0.4567)).toBe('45.7%')
    expect(formatPct(1)).toBe('100.0%')
    expect(formatPct(0.12345, 2)).toBe('12.35%')
    expect(formatPct(null)).toBe('–')
  })
})

describe('formatExpected', () => {
  it('keeps a small expectation visible and a large one to one decimal', () => {
    expect(formatExpected(0.0123)).toBe('0.012')
    // a vanishing expectation is not printed as a string of zeros
    expect(formatExpected(1.9e-14)).toBe('< 0.001')
    expect(formatExpected(0.00123)).toBe('0.0012')
    expect(formatExpected(0.5)).toBe('0.5')
    expect(formatExpected(0.94)).toBe('0.94')
    expect(formatExpected(0.96)).toBe('1.0')
    expect(formatExpected(3.1234)).toBe('3.1')
    expect(formatExpected(1234.56)).toBe('1,234.6')
    expect(formatExpected(0)).toBe('0')
    expect(formatExpected(null)).toBe('–')
    expect(formatExpected(Number.NaN)).toBe('–')
  })
})

describe('formatCount', () => {
  it('says one in the singular and other counts in the plural, with separators', () => {
    expect(formatCount(1, 'customer')).toBe('1 customer')
    expect(formatCount(0, 'customer')).toBe('0 customers')
    expect(formatCount(1959, 'order')).toBe('1,959 orders')
    expect(formatCount(2, 'customer has', 'customers have')).toBe('2 customers have')
  })
})

describe('roundedGroupNote', () => {
  it('names the customers when the top group is far from its share (few customers)', () => {
    expect(roundedGroupNote({ percent: 10, customers: 1 }, 3)).toBe(' (1 customer of 3)')
    expect(roundedGroupNote({ percent: 20, customers: 2 }, 6)).toBe(' (2 customers of 6)')
    expect(roundedGroupNote({ percent: 10, customers: 1 }, 10)).toBe('')
    // within a point of the share: nothing said
    expect(roundedGroupNote({ percent: 10, customers: 11 }, 101)).toBe('')
    expect(roundedGroupNote({ percent: 1, customers: 1 }, 1001)).toBe('')
    expect(roundedGroupNote(undefined, 5)).toBe('')
  })
})

describe('formatMoneyExact', () => {
  it('shows a configured tier minimum with the decimals it has, not rounded to the cent', () => {
    // QA: Gold from 200 and Silver from 199.995 both read "From €200.00" in the tier table
    expect(formatMoneyExact(199.995, 'EUR')).toBe('€199.995')
    expect(formatMoneyExact(200, 'EUR')).toBe(formatMoney(200, 'EUR'))
    expect(formatMoneyExact(69.504, 'USD', 'de-DE')).toMatch(/^69,504\s\$$/u)
    expect(formatMoneyExact(1000.5, 'JPY')).toBe('¥1,000.5')
    expect(formatMoneyExact(null, 'EUR')).toBe('–')
  })
})
