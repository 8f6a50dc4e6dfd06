import { describe, expect, it } from 'vitest'
import type { AnalysisSummary } from '../../service/analysis-summary.ts'
import { paramNumber, params, predictionsSection } from './predictions.ts'

/** The section's lead for a summary whose predictions have `holdout` (the lead reads nothing else). */
const lead = (
  holdout: { from: string; to: string; periods: number } | null,
  basis: 'holdout' | 'bic' | 'baseline' = holdout ? 'holdout' : 'bic',
  actual = 5,
) => {
  const candidates = [{ key: 'nbd', holdout: holdout ? { totalActual: actual } : null }]
  const model = basis === 'baseline' ? 'baseline' : 'nbd'
  const s = { predictions: { holdout, basis, candidates, model } } as unknown as AnalysisSummary
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
    // orders after it, but no repeat purchase of the fitted customers among them (only new
    // customers): the model was chosen by BIC, and the lead said the holdout tested it
    const untested = lead({ from: '1997-10-01', to: '1997-10-19', periods: 3 }, 'bic')
    expect(untested).not.toContain('how well that model predicted')
    expect(untested).toContain(
      'The orders after it (1997-10-01 to 1997-10-19) hold no repeat purchase of the customers it was fitted on, so they cannot test the predictions',
    )
    // the no-dropout limit chosen with such a holdout (its basis reads 'holdout'): the same
    const limit = lead({ from: '1997-10-01', to: '1997-10-19', periods: 3 }, 'holdout', 0)
    expect(limit).toBe(untested)
  })

  it('names the historical rate, not a fitted model, when too few customers bought again', () => {
    // QA: CDNOW as of 1997-01-10 read "from a repeat-purchase model fitted on the history ... how
    // well that model predicted", where no model was fitted or tested
    const base = lead({ from: '1997-01-11', to: '1998-06-30', periods: 77 }, 'baseline')
    expect(base).not.toMatch(/model fitted|how well that model/)
    expect(base).toContain("at their history's rate up to the as-of date")
    expect(base).toContain(
      'the tracking chart shows that rate beside what happened after it (1997-01-11 to 1998-06-30)',
    )
    expect(lead(null, 'baseline')).not.toContain('tracking chart')
  })
})

describe('model parameters in the models table', () => {
  it('show a tiny parameter in significant digits, not as 0.0000', () => {
    // BG/NBD at its split-dropout limit: a = 2.5e-7, b = 7.5e-7 read "a 0.0000, b 0.0000"
    expect(paramNumber(2.5e-7, 4)).toBe('2.50e-7')
    expect(paramNumber(0.00004, 4)).toBe('4.00e-5')
    expect(paramNumber(0.00005, 4)).toBe('0.0001')
    expect(paramNumber(4.4048, 4)).toBe('4.4048')
    expect(paramNumber(0, 4)).toBe('0.0000')
    expect(paramNumber(0.0004, 3)).toBe('4.00e-4')
  })

  it('mark a parameter that ran off to the bound, which has no standard error', () => {
    // QA: Pareto/NBD's "s 10,000,000.0000, beta 1,314,935,797.0498" read as estimates
    const cell = params({
      key: 'pareto',
      name: 'Pareto/NBD',
      params: { r: 0.55, alpha: 10.58, s: 1e7, beta: 1.3e9 },
      standardErrors: { r: 0.05, alpha: 0.8 },
      logLikelihood: null,
      aic: null,
      bic: null,
      holdout: null,
      error: null,
    } as unknown as Parameters<typeof params>[0])
    const lines = cell.split('<br>')
    expect(lines[0]).toBe('r 0.5500 ± 0.050')
    expect(lines[2]).toContain('s 10,000,000.0000 <span class="muted">(→ ∞')
    expect(lines[3]).toContain('(→ ∞: ran off to the bound of the fit)')
    expect(lines[1]).not.toContain('→ ∞')
  })
})
