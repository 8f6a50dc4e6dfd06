import { describe, expect, it } from 'vitest'
import { readJsonFixture } from '../../../test/helpers/json-fixture.ts'
import { chiSquareSf, gammaincLower, gammaincUpper } from './incomplete-gamma.ts'
import { normalCdf, normalQuantile, normalSf } from './normal.ts'

const fx = readJsonFixture<{
  gammainc: { a: number; x: number; p: number; q: number }[]
  chi2Sf: { x: number; df: number; sf: number }[]
  normalCdf: { z: number; cdf: number; sf: number }[]
  normalQuantile: { p: number; z: number }[]
}>('stats/special.json')

/** Magnitude-scaled closeness: |a - e| <= rtol·|e| + atol. */
function close(actual: number, expected: number, rtol: number, atol = 0): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rtol * Math.abs(expected) + atol)
}

describe('regularized incomplete gamma', () => {
  it('matches scipy.special.gammainc/gammaincc across small and huge a', () => {
    for (const c of fx.gammainc) {
      close(gammaincUpper(c.a, c.x), c.q, 1e-10, 1e-300)
      close(gammaincLower(c.a, c.x), c.p, 1e-10, 1e-300)
    }
  })
  it('gives chi-square tails as scipy.stats.chi2.sf', () => {
    for (const c of fx.chi2Sf) close(chiSquareSf(c.x, c.df), c.sf, 1e-10, 1e-300)
  })
  it('handles the ends and rejects invalid arguments', () => {
    expect(gammaincUpper(2, 0)).toBe(1)
    expect(gammaincUpper(2, Number.POSITIVE_INFINITY)).toBe(0)
    expect(gammaincUpper(1, 2000)).toBe(0)
    expect(() => gammaincUpper(0, 1)).toThrow(/a > 0/)
    expect(() => gammaincUpper(1, -1)).toThrow(/x >= 0/)
    expect(() => chiSquareSf(1, 0)).toThrow(/degrees of freedom/)
  })
})

describe('normal distribution', () => {
  it('CDF and survival match scipy.stats.norm in both tails', () => {
    for (const c of fx.normalCdf) {
      close(normalCdf(c.z), c.cdf, 1e-12, 1e-300)
      close(normalSf(c.z), c.sf, 1e-12, 1e-300)
    }
  })
  it('quantile matches scipy.stats.norm.ppf down to 1e-300', () => {
    for (const c of fx.normalQuantile) close(normalQuantile(c.p), c.z, 1e-12, 1e-14)
  })
  it('rejects p outside (0, 1)', () => {
    expect(() => normalQuantile(0)).toThrow(/0 < p < 1/)
    expect(() => normalQuantile(1)).toThrow(/0 < p < 1/)
    expect(() => normalCdf(Number.NaN)).toThrow(/NaN/)
  })
})
