// Intervals in the insights report read "lo to hi": a dash between signed figures read "-27–-20"
// (NPS), and the over-index table shows the index's interval, as over_index.csv does.
import { describe, expect, it } from 'vitest'
import { sampleInsights, sampleSummary } from '../../test/analyze/sample-summary.ts'
import { renderReport } from './render.ts'
import { insightsSections } from './sections/insights.ts'

describe('insights report intervals', () => {
  it('NPS interval with negative ends, and the over-index interval', () => {
    const s = sampleInsights('x')
    const nps = [
      { kind: 'segment' as const, group: 'x', n: 40, value: -25, lower: -27.4, upper: -20.2 },
    ]
    const page = renderReport(
      sampleSummary({ insights: { ...s, kpis: { ...s.kpis, nps } } }),
      insightsSections(),
    )
    expect(page).toContain('-27 to -20')
    expect(page).not.toContain('-27–-20')
    // index 400 with its interval 200 to 600
    expect(page).toMatch(/<td class="num">200 to 600<\/td>/)
  })
})

describe('insights report entry threshold', () => {
  it('a value that counts orders is written as a count, not as money', () => {
    const s = sampleInsights('x')
    const page = (valueExpression: string) =>
      renderReport(
        sampleSummary({
          insights: { ...s, cohort: { ...s.cohort, valueExpression, threshold: 8 } },
        }),
        insightsSections(),
      )
    expect(page('orders')).toMatch(/Entry threshold<\/div><div class="value">8<\/div>/)
    expect(page('orders')).toContain('smallest value in the cohort (orders)')
    expect(page('revenue')).toMatch(/Entry threshold<\/div><div class="value">[^<]*8\.00<\/div>/)
  })

  it("names the cohort's value in words, and a value given with --value as written", () => {
    const s = sampleInsights('x')
    const page = (valueExpression: string) =>
      renderReport(
        sampleSummary({ insights: { ...s, cohort: { ...s.cohort, valueExpression } } }),
        insightsSections(),
      )
    const total = page('total_value')
    expect(total).toContain('total value: past and predicted profit with referrals')
    expect(total).not.toContain('value = total_value')
    expect(page('revenue + coalesce(predicted_value, 0)')).toContain('revenue plus predicted value')
    expect(page('revenue * 2')).toContain('value = revenue * 2')
  })
})

describe('insights report over-index without levels', () => {
  it('says there was nothing to compare rather than that nothing differs', () => {
    const s = sampleInsights('x')
    const page = (attributesCompared: string[], attributesTooRecent: string[] = []) =>
      renderReport(
        sampleSummary({
          insights: {
            ...s,
            overIndex: {
              ...s.overIndex,
              significant: [],
              levels: [],
              attributesCompared,
              attributesTooRecent,
              minHistoryDays: 365,
            },
          },
        }),
        insightsSections(),
      )
    expect(page([])).toContain('No customer attribute to compare: import customers with a country')
    // imported, but only the customers too new to rank have it: no import is asked for
    const young = page([], ['country', 'industry'])
    expect(young).toContain(
      'Not compared yet: only customers with less than 365 days of history have a value for country, industry.',
    )
    expect(young).not.toContain('import customers')
    expect(page(['country'])).toContain(
      'Too few customers to compare: no value of country is held by 2 customers.',
    )
    expect(page([])).not.toContain('No attribute level differs significantly')
  })
})

describe('insights report survey lists', () => {
  it('counts the resting respondents beside the sampled ones and says why', () => {
    const s = sampleInsights('x')
    const page = (resting: number, restDays: number) =>
      renderReport(
        sampleSummary({
          insights: {
            ...s,
            surveys: {
              ...s.surveys,
              restDays,
              groups: [{ kind: 'segment', group: 'x', sampled: 10, resting }],
            },
          },
        }),
        insightsSections(),
      )
    expect(page(2, 90)).toMatch(/<th[^>]*>Resting<\/th>/)
    expect(page(2, 90)).toContain('answered a survey in the 90 days up to the as-of date rest')
    expect(page(0, 90)).not.toMatch(/<th[^>]*>Resting<\/th>/)
    expect(page(0, 90)).toContain('none did')
    expect(page(0, 0)).not.toContain('answered a survey')
  })
})
