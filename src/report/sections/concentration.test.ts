import { describe, expect, it } from 'vitest'
import { sampleSummary } from '../../../test/analyze/sample-summary.ts'
import type { ConcentrationSummary } from '../../service/analysis-summary.ts'
import { concentrationSection } from './concentration.ts'

/** A revenue concentration of the given customer values, built as the analysis builds it. */
function concentrationOf(
  values: readonly number[],
  percents: readonly number[] = [10, 20],
): ConcentrationSummary {
  const n = values.length
  const desc = [...values].sort((a, b) => b - a)
  const net = values.reduce((a, b) => a + b, 0)
  const clamped = desc.map((v) => Math.max(0, v))
  const total = clamped.reduce((a, b) => a + b, 0)
  const topShares = percents.map((percent) => {
    const customers = Math.max(1, Math.ceil((percent * n) / 100))
    const value = desc.slice(0, customers).reduce((a, b) => a + b, 0)
    return { percent, customers, value, share: value / net }
  })
  // the k lowest (clamped) values, for every k (n < 100)
  const lorenz = Array.from({ length: n + 1 }, (_, k) => ({
    customers: k / n,
    value: clamped.slice(n - k).reduce((a, b) => a + b, 0) / total,
  }))
  return {
    value: 'revenue',
    customers: n,
    total: net,
    negativeCustomers: values.filter((v) => v < 0).length,
    negativeTotal: values.filter((v) => v < 0).reduce((a, b) => a + b, 0),
    topShares,
    deciles: [],
    lorenz,
    gini: 0.5,
  }
}

function chart(values: readonly number[], percents?: readonly number[]): string {
  const base = sampleSummary()
  const revenue = concentrationOf(values, percents)
  const s = sampleSummary({
    counts: { ...base.counts, customers: values.length },
    concentration: { revenue, margin: null },
  })
  // the wide layout (the phone's follows it, on its own canvas)
  const html = concentrationSection.render(s)
  const narrow = html.indexOf('<div class="chart-narrow">')
  return narrow < 0
    ? html
    : html.slice(0, narrow) + html.slice(html.indexOf('</svg></div></div>', narrow) + 18)
}

const attrs = (svg: string, re: RegExp) => [...svg.matchAll(re)].map((m) => m.slice(1).join(','))

describe('concentration chart markers', () => {
  // plot area x 60..540, y 16..368
  it('puts a top group at its real share of customers, on the curve, one marker per point', () => {
    // two customers: top 10 % and top 20 % are both the one customer with 20 of 30, named so
    // (QA: "Top 10–20%" sat at x = 33 % on 3 customers)
    const svg = chart([10, 20])
    expect(svg).toContain('L300,133.33')
    expect(attrs(svg, /<circle class="marker" cx="([\d.]+)" cy="([\d.]+)"/g)).toEqual([
      '300,133.33',
    ])
    expect(attrs(svg, /class="marker-label"[^>]*>([^<]*)</g)).toEqual(['Top 1 customer: 66.7%'])
  })

  it('puts the point on the curve (negatives at 0), and labels it with the net share of the table', () => {
    // net 20, clamped 40: the top customer holds 150 % of the net and 75 % of the clamped total
    const svg = chart([30, 10, -20])
    expect(svg).toContain('L220,104')
    expect(attrs(svg, /<circle class="marker" cx="([\d.]+)" cy="([\d.]+)"/g)).toEqual(['220,104'])
    // with the plotted height beside it, so it does not contradict the axis it sits on (QA)
    expect(attrs(svg, /class="marker-label"[^>]*>([^<]*)</g)).toEqual([
      'Top 1 customer: 150.0% (75.0% drawn)',
    ])
    // ... and inside the canvas: the label's estimated width right of its point
    const x = Number(/class="marker-label" x="([\d.]+)"[^>]*text-anchor="start"/.exec(svg)?.[1])
    expect(x + 'Top 1 customer: 150.0% (75.0% drawn)'.length * 8.5).toBeLessThanOrEqual(560)
    expect(svg).toContain('The curve counts the 1 customer with a negative net revenue as 0')
    expect(chart([10, 20])).not.toContain('The curve counts')
  })

  it('keeps separate markers where the groups differ', () => {
    // 20 customers: top 10 % = 2 customers (x 0.1), top 20 % = 4 (x 0.2)
    const svg = chart(Array.from({ length: 20 }, (_, i) => 20 - i))
    expect(attrs(svg, /<circle class="marker" cx="([\d.]+)"/g)).toEqual(['108', '156'])
    expect(attrs(svg, /class="marker-label"[^>]*>(Top \d+%)/g)).toEqual(['Top 10%', 'Top 20%'])
  })

  it('shows the margin cohort beside its share when margin is known for fewer customers', () => {
    const base = sampleSummary()
    const revenue = concentrationOf(Array.from({ length: 20 }, (_, i) => 20 - i))
    const table = (margin: ConcentrationSummary) =>
      concentrationSection
        .render(
          sampleSummary({
            counts: { ...base.counts, customers: 20 },
            concentration: { revenue, margin: { ...margin, value: 'margin' } },
          }),
        )
        .replace(/^[\s\S]*?<table/, '<table')
    // margin known for 11 of the 20: its top 10 % is 2 customers, its top 20 % is 3
    const partial = table(concentrationOf(Array.from({ length: 11 }, (_, i) => 11 - i)))
    expect(partial).toContain('<th scope="col" class="num">Customers (margin)</th>')
    const rows = [...partial.matchAll(/<tr>((?:<td[^>]*>[^<]*<\/td>)+)<\/tr>/g)].map((m) =>
      [...(m[1] ?? '').matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((c) => c[1]),
    )
    expect(rows.map((r) => [r[0], r[1], r[3]])).toEqual([
      ['Top 10%', '2', '2'],
      ['Top 20%', '4', '3'],
    ])
    // known for every customer: the same cohorts, one count column
    const whole = table(concentrationOf(Array.from({ length: 20 }, (_, i) => 40 - i)))
    expect(whole).not.toContain('Customers (margin)')
    expect(whole).toContain('Margin share')
  })

  it('lists top groups of a few customers once each, by the customers they are', () => {
    // QA, 3 customers: Top 1/2/5/10/20% were five rows of "1 customer" each
    const table = chart([120, 400, 1000], [1, 2, 5, 10, 20, 50]).replace(
      /^[\s\S]*?<table/,
      '<table',
    )
    const rows = [...table.matchAll(/<tr><td>([^<]*)<\/td><td class="num">([^<]*)</g)].map((m) => [
      m[1],
      m[2],
    ])
    expect(rows).toEqual([
      ['Top 1 customer (33.3%)', '1'],
      ['Top 2 customers (66.7%)', '2'],
    ])
    // many customers: the percents, as before
    const many = chart(Array.from({ length: 20 }, (_, i) => 20 - i))
    expect(many).toContain('<td>Top 10%</td>')
  })
})
