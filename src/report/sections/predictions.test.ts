import { describe, expect, it } from 'vitest'
import type { AnalysisSummary } from '../../service/analysis-summary.ts'
import { predictionsSection } from './predictions.ts'

/** The section's lead for a summary whose predictions have `holdout` (the lead reads nothing else). */
const lead = (holdout: { from: string; to: string; periods: number } | null) => {
  const s = { predictions: { holdout } } as unknown as AnalysisSummary
  const l = predictionsSection.lead
  return typeof l === 'function' ? l(s) : (l ?? '')
}

describe('predictions lead', () => {
  it('promises a test of the model only when orders after the as-of date hold one out', () => {
    // QA: "the charts show how well that model predicted what happened after it" with no holdout,
    // where the tracking chart covers the fitting period only
    const none = lead(null)
    expect(none).not.toContain('predicted what happened after it')
    expect(none).toContain('No orders are dated after it')
    expect(none).toContain('the history it was fitted on')
    const some = lead({ from: '2024-07-01', to: '2024-12-31', periods: 26 })
    expect(some).toContain('how well that model predicted what happened after it')
    expect(some).toContain('2024-07-01 to 2024-12-31')
  })
})
