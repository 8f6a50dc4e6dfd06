import { describe, expect, it } from 'vitest'
import { HOSTILE_ID, sampleSummary } from '../../test/analyze/sample-summary.ts'
import type { AnalysisSummary } from '../service/analysis-summary.ts'
import { type ReportSection, renderReport } from './render.ts'
import { defaultSections } from './sections/index.ts'

describe('renderReport', () => {
  const html = renderReport(sampleSummary(), defaultSections())

  it('is one self-contained page: no scripts, no external resources', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).not.toMatch(/<script/i)
    expect(html).not.toMatch(/<link/i)
    expect(html).not.toMatch(/https?:\/\//)
    expect(html).not.toMatch(/url\(/)
    expect(html).toContain('<style>')
  })

  it("gives the top customers' cumulative share the decimals of their share (2.68% beside 2.7% read as two roundings)", () => {
    // the second customer: 90 of 550 (16.36%), 190 of 550 so far
    expect(html).toContain('16.36%')
    expect(html).toContain('34.55%')
  })

  it('escapes customer ids, segment names, notes and the source', () => {
    expect(html).not.toContain(HOSTILE_ID)
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;id')
    expect(html).not.toContain('<b>Lost</b>')
    expect(html).toContain('&lt;b&gt;Lost&lt;/b&gt;')
    expect(html).toContain('orders&lt;&amp;&gt;.csv')
    expect(html).toContain('&lt;ignored&gt;')
  })

  it('lets no bidi control of a user string into the page', () => {
    // U+202E at the start of an id reversed the rest of the sentence around it
    const base = sampleSummary()
    const out = renderReport(
      sampleSummary({
        topCustomers: base.topCustomers.map((c) => ({ ...c, customerId: '\u202eBOB' })),
        quality: [{ level: 'info', message: 'dropping \u2067BOB\u2069 → ALICE' }],
      }),
      defaultSections(),
    )
    expect(out).not.toMatch(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/)
    expect(out).toContain('<span title="\ufffdBOB">\ufffdBOB</span>')
    expect(out).toContain('dropping \ufffdBOB\ufffd → ALICE')
  })

  it('shows the headline, the sections and formatted numbers', () => {
    for (const id of ['headline', 'concentration', 'deciles', 'rfm', 'top-customers']) {
      expect(html).toContain(`<section id="${id}">`)
    }
    expect(html).toContain('The top 10% of customers hold <strong>18.2%</strong> of revenue')
    expect(html).toContain('$550.00')
    expect(html).toContain('class="diagonal"')
    expect(html).toContain('0.300')
  })

  it('names the source file and the as-of day in the page title, not only the report kind', () => {
    // QA: every report's tab read 'Customer value report'
    const page = (source: string) =>
      renderReport(sampleSummary({ source, asOf: '2024-06-22' }), defaultSections())
    const title = (h: string) => h.match(/<title>(.*)<\/title>/)?.[1]
    expect(title(page('/tmp/qa7/tiny.csv'))).toBe(
      'tiny.csv, as of 2024-06-22 – Customer value report',
    )
    expect(title(page('C:\\data\\orders.csv'))).toBe(
      'orders.csv, as of 2024-06-22 – Customer value report',
    )
    expect(title(page('CDNOW sample (data/cdnow/x.csv)'))).toBe(
      'CDNOW sample (data/cdnow/x.csv), as of 2024-06-22 – Customer value report',
    )
    expect(title(html)).toBe(
      `orders&lt;&amp;&gt;.csv, as of ${sampleSummary().asOf} – Customer value report`,
    )
  })

  it('composes: extra sections render, empty ones are left out of page and contents', () => {
    interface Extended extends AnalysisSummary {
      readonly extra: string
    }
    const extra: ReportSection<Extended> = {
      id: 'extra',
      title: 'Extra <part>',
      render: (s) => `<p>${s.extra}</p>`,
    }
    const empty: ReportSection<Extended> = { id: 'empty', title: 'Empty', render: () => '' }
    const summary: Extended = { ...sampleSummary(), extra: 'hello' }
    const out = renderReport(summary, [...defaultSections(), extra, empty])
    expect(out).toContain('<section id="extra"><h2>Extra &lt;part&gt;</h2><p>hello</p></section>')
    expect(out).toContain('href="#extra"')
    expect(out).not.toContain('id="empty"')
    expect(out).not.toContain('href="#empty"')
  })

  it('renders a summary with zero customers without NaN', () => {
    const base = sampleSummary()
    const out = renderReport(
      sampleSummary({
        counts: { ...base.counts, customers: 0, orders: 0, repeatCustomers: 0 },
        topCustomers: [],
        concentration: {
          revenue: { ...base.concentration.revenue, lorenz: [], deciles: [], gini: null },
          margin: null,
        },
      }),
      defaultSections(),
    )
    expect(out).not.toMatch(/NaN|undefined|Infinity/)
    expect(out).toContain('No customers purchased')
  })
})

describe('the headline of one customer', () => {
  it('uses the singular: "1 customer placed 1 order", not "1 customers placed 1 orders"', () => {
    const s = sampleSummary()
    const one = { ...s.counts, customers: 1, orders: 1 }
    const noAmounts = { ...s, counts: one, revenue: { ...s.revenue, measured: false } }
    expect(renderReport(noAmounts, defaultSections())).toContain('1 customer placed 1 order.')
    const rev = { ...s.concentration.revenue, topShares: [] }
    const spent = { ...s, counts: one, concentration: { ...s.concentration, revenue: rev } }
    expect(renderReport(spent, defaultSections())).toMatch(/>1 customer spent /)
  })
})

describe('the Gini caption', () => {
  it('names the highest Gini of a few customers, (n - 1) / n, where it is not 1', () => {
    const base = sampleSummary()
    const of = (customers: number) =>
      renderReport(
        sampleSummary({
          concentration: {
            ...base.concentration,
            revenue: { ...base.concentration.revenue, customers, gini: 0.5 },
          },
        }),
        defaultSections(),
      )
    // two customers, one bringing everything: 0.5 is the highest there is
    const two = of(2)
    expect(two).toContain(
      '0 means every customer spends the same; its highest for 2 customers, 0.500, means one customer brings everything.',
    )
    expect(two).toContain('0 = equal, 0.50 = one customer')
    expect(two).not.toContain('1 means one customer')
    // a million customers: the highest rounds to 1
    const many = of(1_000_000)
    expect(many).toContain(
      '0 means every customer spends the same; 1 means one customer brings everything.',
    )
    expect(many).toContain('0 = equal, 1.00 = one customer')
    // one customer: "0 = equal, 0.00 = one customer" and "its highest for 1 customer, 0.000,
    // means one customer brings everything" said both at once
    const single = of(1)
    expect(single).not.toContain('0 = equal, 0.00 = one customer')
    expect(single).not.toContain('means one customer brings everything')
    expect(single).toContain('one customer: nobody to compare with')
    expect(single).toContain('with one customer there is no one to compare with')
  })
})
