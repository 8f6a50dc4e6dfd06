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

describe("rising stars' value", () => {
  it('says what the value is, and shows a counted one as a count, not money', () => {
    // QA: a "Value" column nothing defined; with --value orders it read as money ("12.00")
    const s = sampleInsights('x')
    const rs = s.risingStars
    if (!rs) throw new Error('the sample has rising stars')
    const list = [{ ...rs.list[0]!, value: 12 }]
    const render = (valueExpression: string) =>
      risingStarsSection.render(
        sampleSummary({
          currency: 'USD',
          insights: {
            ...s,
            cohort: { ...s.cohort, valueExpression },
            risingStars: { ...rs, list },
          },
        }),
      )
    const money = render('revenue')
    expect(money).toContain(
      "Value: the customer's revenue so far, the measure that ranks the top cohort.",
    )
    expect(money).toMatch(/<td class="num">\$12\.00<\/td>/)
    const counted = render('orders')
    expect(counted).toContain("Value: the customer's orders so far")
    expect(counted).toMatch(/<td class="num">12<\/td>/)
  })
})

describe('lists cut short', () => {
  it('say how many of how many they show and which file holds them all', () => {
    // QA: Lapsed best showed 50 of 115 and Highest propensity 25 of 120 without saying so
    const s = sampleInsights('x')
    const rs = s.risingStars
    const lb = s.lapsedBest
    if (!rs || !lb) throw new Error('the sample has rising stars and lapsed best')
    const page = (candidates: number, lapsed: number, high = 1) =>
      renderReport(
        sampleSummary({
          insights: {
            ...s,
            risingStars: { ...rs, candidates, highPropensity: high, threshold: 0.1157 },
            lapsedBest: { ...lb, customers: lapsed },
          },
        }),
        insightsSections(),
      )
    // rising_stars.csv holds every candidate scored, not only those past the threshold
    const cut = page(120, 115)
    expect(cut).toContain(
      'Showing 1 of 120 candidates, highest propensity first; <code>loyals insights</code> writes them all to rising_stars.csv.',
    )
    expect(cut).toContain(
      'Showing 1 of 115, most value at stake first; <code>loyals insights</code> writes them all to lapsed_best.csv.',
    )
    expect(page(1, 1)).not.toContain('Showing')
  })

  it('path to best says how many combinations of those tested its table shows', () => {
    // QA: "37 combinations ... were tested" above a table of 25 rows, without a word
    const s = sampleInsights('x')
    const pb = s.pathToBest
    if (!pb) throw new Error('the sample has a path to best')
    const html = (tested: number) =>
      pathToBestSection.render(sampleSummary({ insights: { ...s, pathToBest: { ...pb, tested } } }))
    expect(html(pb.itemsets.length + 36)).toContain(
      `Showing ${pb.itemsets.length} of ${pb.itemsets.length + 36} combinations tested; <code>loyals insights</code> writes them all to path_to_best.csv.`,
    )
    expect(html(pb.itemsets.length)).not.toContain('Showing')
  })

  it('rising stars say which rows of the list reach the threshold', () => {
    // QA: "4 of 166" high-propensity candidates above a list of 25, none of them marked
    const s = sampleInsights('x')
    const rs = s.risingStars
    if (!rs) throw new Error('the sample has rising stars')
    const list = Array.from({ length: 5 }, () => rs.list[0]!)
    const html = (high: number) =>
      risingStarsSection.render(
        sampleSummary({
          insights: { ...s, risingStars: { ...rs, list, highPropensity: high, threshold: 0.1157 } },
        }),
      )
    expect(html(2)).toContain(
      'The first 2 reach the threshold of 11.6% (the validation&#39;s top-k score): the high-propensity candidates; the others are the next highest.',
    )
    expect(html(0)).toContain('No candidate reaches the threshold of 11.6%')
    expect(html(5)).not.toContain('reach the threshold')
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
