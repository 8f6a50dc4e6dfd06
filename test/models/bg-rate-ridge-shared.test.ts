// A BG/NBD fit whose r and α ran off together (purchase rates alike) had passed by a more likely
// fit: every customer dropping out with one probability (a, b → ∞) at moderate r and α. 40
// customers of equal spend, 1-4 orders each at random gaps (a reviewer's file): the fit ran off
// along the rate ridge (log-likelihood -221.17 there) and analyze fell back to the baseline, while
// scipy's Nelder-Mead from four starts reaches -220.89546 at r 3.98, α 45.3, a/(a+b) 0.225.
import { describe, expect, it } from 'vitest'
import { compressHistories } from '../../src/core/compress.ts'
import { bgnbd } from '../../src/core/models/bgnbd.ts'
import { mbgnbd } from '../../src/core/models/mbgnbd.ts'
import { ConvergenceError } from '../../src/errors.ts'

// days; the fit is in weeks
const X = [
  0, 3, 1, 3, 3, 0, 0, 0, 1, 1, 3, 1, 2, 0, 2, 3, 2, 3, 3, 2, 0, 3, 0, 3, 0, 1, 2, 0, 1, 1, 2, 3, 0,
  2, 1, 1, 2, 0, 3, 2,
]
const TX = [
  0, 121, 11, 128, 129, 0, 0, 0, 32, 53, 86, 53, 37, 0, 64, 142, 78, 108, 94, 43, 0, 115, 0, 76, 0,
  30, 56, 0, 38, 32, 81, 120, 0, 77, 45, 60, 65, 0, 111, 68,
]
const T = [
  166, 167, 158, 170, 170, 152, 170, 150, 149, 170, 140, 149, 140, 141, 150, 142, 161, 140, 163,
  153, 154, 165, 155, 148, 163, 164, 159, 153, 145, 153, 155, 140, 159, 153, 145, 153, 145, 168,
  170, 163,
]
const weeks = (v: number[]) => v.map((d) => d / 7)
const histories = () => compressHistories(X, weeks(TX), weeks(T))

describe('BG/NBD: the shared-dropout fit beside a run-off of the purchase rates', () => {
  it('fits the limit a, b → ∞ at moderate r and alpha, as likely as scipy finds', () => {
    const fit = bgnbd.fit(histories())
    expect(fit.logLikelihood).toBeCloseTo(-220.89546, 3)
    expect(fit.params.r).toBeGreaterThan(3.9)
    expect(fit.params.r).toBeLessThan(4.1)
    expect(fit.params.alpha).toBeGreaterThan(44)
    expect(fit.params.alpha).toBeLessThan(47)
    expect(fit.params.a / (fit.params.a + fit.params.b)).toBeCloseTo(0.225, 2)
    expect(fit.note).toMatch(/a and b ran off together/)
    // above the rate ridge's best (r, alpha → ∞ with a and b free), -221.17
    const ridge = bgnbd.logLikelihood(
      { r: 1e7, alpha: 1e7 / 0.07641, a: 4.25e5, b: 2.754e6 },
      histories(),
    )
    expect(ridge).toBeLessThan(-221.1)
    expect(fit.logLikelihood).toBeGreaterThan(ridge + 0.2)
  })

  it('MBG/NBD on the same data still runs off along the rate ridge, which is its maximum', () => {
    expect(() => mbgnbd.fit(histories())).toThrow(ConvergenceError)
  })
})
