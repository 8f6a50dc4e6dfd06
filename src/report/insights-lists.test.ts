// The insights tables' rows say what they are: calibration bands named by their place, lists cut
// short say so.
import { describe, expect, it } from 'vitest'
import { sampleInsights, sampleSummary } from '../../test/analyze/sample-summary.ts'
import { renderReport } from './render.ts'
import { insightsSections, pathToBestSection, risingStarsSection } from './sections/insights.ts'

describe('rising stars calibration', () => {
  it('names each band in a first column, lowest scores first', () => {
    // QA: the table had Customers, Predicted, Observed and CI, and nothing saying which band
    const s = sampleInsights('x')
    const rs = s.risingStars
    if (!rs) throw new Error('the sample has rising stars')
    const bin = (p: number) => ({ n: 10, meanPredicted: p, observedRate: p, lower: 0, upper: 1 })
    const validation = { ...rs.validation, calibration: [0.1, 0.3, 0.6].map(bin) }
    const html = risingStarsSection.render(
      sampleSummary({ insights: { ...s, risingStars: { ...rs, validation } } }),
    )
    const table = html.slice(html.indexOf('Calibration'), html.indexOf('Highest propensity'))
    expect(table).toContain(
      '<th scope="col">Score band</th><th scope="col" class="num">Customers</th>',
    )
    const first = [...table.matchAll(/<tr><td>([^<]*)<\/td>/g)].map((m) => m[1])
    expect(first).toEqual(['1 (lowest)', '2', '3 (highest)'])
    expect(table).toContain('lowest first')
  })
})

describe('lists cut short', () => {
  it('say how many of how many they show and which file holds them all', () => {
    // QA: Lapsed best showed 50 of 115 and Highest propensity 25 of 120 without saying so
    const s = sampleInsights('x')
    const rs = s.risingStars
    const lb = s.lapsedBest
    if (!rs || !lb) throw new Error('the sample has rising stars and lapsed best')
    const page = (stars: number, lapsed: number) =>
      renderReport(
        sampleSummary({
          insights: {
            ...s,
            risingStars: { ...rs, highPropensity: stars },
            lapsedBest: { ...lb, customers: lapsed },
          },
        }),
        insightsSections(),
      )
    const cut = page(120, 115)
    expect(cut).toContain(
      'Showing 1 of 120 high-propensity candidates, highest first; <code>loyals insights</code> writes them all to rising_stars.csv.',
    )
    expect(cut).toContain(
      'Showing 1 of 115, most value at stake first; <code>loyals insights</code> writes them all to lapsed_best.csv.',
    )
    expect(page(1, 1)).not.toContain('Showing')
  })
})

describe('path to best without combinations', () => {
  it('says there is none to compare rather than showing an empty table', () => {
    // QA: "0 combinations with at least 20 customers were tested" above a table of headers alone
    const s = sampleInsights('x')
    const pb = s.pathToBest
    if (!pb) throw new Error('the sample has a path to best')
    const html = pathToBestSection.render(
      sampleSummary({ insights: { ...s, pathToBest: { ...pb, itemsets: [], tested: 0 } } }),
    )
    const combos = html.slice(0, html.indexOf('Best paths'))
    expect(combos).not.toContain('<table')
    expect(combos).toContain('No first-order combination is held by')
  })
})
