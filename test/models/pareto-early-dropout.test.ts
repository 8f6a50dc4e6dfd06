// Pareto/NBD on 100 simulated customers (74 without a repeat purchase) whose likelihood has two
// interior maxima: the fit's usual starts ended at s 0.27, β 12.8, while a share of the customers
// leaving almost at once (s 0.08, β 1.6e-7 of α) is 1.28 higher, and higher than the limit of
// that shape (s, β → 0). Maximized in scipy, the likelihoods in mpmath
// (scripts/fixtures/pareto_early_dropout.py).
import { describe, expect, it } from 'vitest'
import { paretoNbd } from '../../src/core/models/pareto-nbd.ts'
import { close, fixtureJson, historiesOf } from './fixtures.ts'

interface Optimum {
  params: { r: number; alpha: number; s: number; beta: number }
  logLikelihood: number
}
interface Fixture {
  histories: { x: number[]; t_x: number[]; T: number[] }
  earlyDropout: Optimum
  usual: Optimum
  splitLimit: { logLikelihood: number }
}

const F = fixtureJson<Fixture>('pareto_early_dropout.json')

describe('Pareto/NBD with a second maximum where a share of the customers leaves at once', () => {
  it('returns the higher maximum, not the one its usual starts reach', () => {
    expect(F.earlyDropout.logLikelihood).toBeGreaterThan(F.usual.logLikelihood + 1)
    expect(F.earlyDropout.logLikelihood).toBeGreaterThan(F.splitLimit.logLikelihood + 0.5)
    const fit = paretoNbd.fit(historiesOf(F.histories))
    expect(close(fit.logLikelihood, F.earlyDropout.logLikelihood, 1e-9)).toBe(true)
    // the maximum is flat along log β (its standard error there is large): r, α and s pin it
    for (const k of ['r', 'alpha', 's'] as const) {
      expect(close(fit.params[k], F.earlyDropout.params[k], 1e-3), k).toBe(true)
    }
    expect(Math.abs(Math.log(fit.params.beta / F.earlyDropout.params.beta))).toBeLessThan(0.05)
  })

  it('still has the usual maximum where it was: the two are distinct optima', () => {
    const { r, alpha, s, beta } = F.usual.params
    const ll = paretoNbd.logLikelihood({ r, alpha, s, beta }, historiesOf(F.histories))
    expect(close(ll, F.usual.logLikelihood, 1e-9)).toBe(true)
    const g = paretoNbd.gradient({ r, alpha, s, beta }, historiesOf(F.histories))
    for (const v of g) expect(Math.abs(v)).toBeLessThan(1e-4)
  })
})
