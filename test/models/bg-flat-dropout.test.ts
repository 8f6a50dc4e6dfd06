// BG/NBD on three customers, where the likelihood is nearly flat along (a, b): the fit returned
// a 1.39 ± 233, b 68 ± 11,603 (95 % intervals 1e-143 to 1e142) with exit 0. mpmath
// (scripts/fixtures/bg_flat_dropout.py) puts that interior optimum 1.8e-5 above the shared-dropout
// limit, so it is the maximum, but one from which no parameter of dropout can be read.
import { describe, expect, it } from 'vitest'
import { bgnbd } from '../../src/core/models/bgnbd.ts'
import type { Histories } from '../../src/core/models/types.ts'
import { ConvergenceError } from '../../src/errors.ts'
import { close, fixtureJson } from './fixtures.ts'

interface Fixture {
  histories: { x: number[]; t_x: number[]; T: number[] }
  interior: { params: { r: number; alpha: number; a: number; b: number }; logLikelihood: number }
  sharedLimit: { p: number; logLikelihood: number }
  sharedAtSize1e5: { p: number; logLikelihood: number }
}

const F = fixtureJson<Fixture>('bg_flat_dropout.json')
const h: Histories = {
  x: Float64Array.from(F.histories.x),
  tx: Float64Array.from(F.histories.t_x),
  T: Float64Array.from(F.histories.T),
  weight: new Float64Array(3).fill(1),
  customers: 3,
}

describe('BG/NBD with a and b not identified', () => {
  it('the likelihood at the mpmath optimum and the limit it beats', () => {
    expect(close(bgnbd.logLikelihood(F.interior.params, h), F.interior.logLikelihood, 1e-12)).toBe(
      true,
    )
    expect(F.interior.logLikelihood).toBeGreaterThan(F.sharedLimit.logLikelihood)
  })

  it('is a ConvergenceError with both log-likelihoods, not intervals from 1e-143 to 1e142', () => {
    let err: unknown
    try {
      bgnbd.fit(h)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ConvergenceError)
    const e = err as ConvergenceError
    expect(e.message).toMatch(
      /^bgnbd: the likelihood is flat along a and b at the optimum \(a 1\.39, 95 % interval .* to .*; b 68\.\d, 95 % interval .*\): the data cannot tell how dropout differs between customers, only its mean a\/\(a\+b\) 0\.0199; the shared-dropout limit \(every customer dropping out with probability 0\.0196 after each purchase\) is 1\.8e-5 below it in log-likelihood/,
    )
    const d = e.details as { logLikelihood: number; sharedDropoutLogLikelihood: number }
    // the optimizer stops at its gradient tolerance on a ridge this flat: its value, not its place
    expect(close(d.logLikelihood, F.interior.logLikelihood, 1e-10)).toBe(true)
    expect(close(d.sharedDropoutLogLikelihood, F.sharedAtSize1e5.logLikelihood, 1e-10)).toBe(true)
  })
})
