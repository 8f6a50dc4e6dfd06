// Pareto/NBD on 200 simulated customers whose likelihood has two maxima: the fit's starts climbed
// the ridge to the common-dropout limit (every customer dropping out at 0.0069 a week) and
// returned it, though an interior maximum with dropout rates that differ widely (s 0.058, β 0.146)
// is 0.24 higher. Both maximized in scipy, their likelihoods in mpmath
// (scripts/fixtures/pareto_two_maxima.py).
import { describe, expect, it } from 'vitest'
import { paretoNbd } from '../../src/core/models/pareto-nbd.ts'
import { close, fixtureJson, historiesOf } from './fixtures.ts'

interface Fixture {
  histories: { x: number[]; t_x: number[]; T: number[] }
  interior: { params: { r: number; alpha: number; s: number; beta: number }; logLikelihood: number }
  commonDropoutLimit: { params: { r: number; alpha: number; mu: number }; logLikelihood: number }
}

const F = fixtureJson<Fixture>('pareto_two_maxima.json')

describe('Pareto/NBD with a second maximum beside the common-dropout limit', () => {
  it('returns the interior maximum, not the limit its starts climb to', () => {
    expect(F.interior.logLikelihood).toBeGreaterThan(F.commonDropoutLimit.logLikelihood + 0.2)
    const fit = paretoNbd.fit(historiesOf(F.histories))
    expect(close(fit.logLikelihood, F.interior.logLikelihood, 1e-9)).toBe(true)
    for (const k of ['r', 'alpha', 's', 'beta'] as const) {
      expect(close(fit.params[k], F.interior.params[k], 1e-3), k).toBe(true)
    }
    expect(Number.isFinite(fit.standardErrors.s)).toBe(true)
    expect(fit.note ?? '').not.toMatch(/ran off/)
  })
})
