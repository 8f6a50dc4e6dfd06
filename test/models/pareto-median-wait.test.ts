// The next-purchase median on Pareto/NBD's quadrature path (s >= 3, β > α) is found by Newton on
// the integral from 0 to w; it must agree with the tail equation the other path solves,
// ∫_w^∞ = ½ ∫_0^∞, over histories near and far from the start (the demo company's fit, s = 1e5,
// once gave medians 3x short for customers with x = 0 and T ≈ 21 weeks: Newton stopped early).
import { describe, expect, it } from 'vitest'
import { solveMonotone } from '../../src/core/models/common.ts'
import {
  logSpanIntegral,
  medianNextPurchaseTime,
  type ParetoParams,
  paretoNbd,
} from '../../src/core/models/pareto-nbd.ts'

/** The median from the tail equation, solved by the general solver. */
function tailMedian(p: ParetoParams, x: number, T: number): number {
  const A = p.alpha + T
  const B = p.beta + T
  const tail = (w: number) =>
    logSpanIntegral(p.r + x + 1, p.s, A + w, B + w, Number.POSITIVE_INFINITY, null) -
    p.s * Math.log(B + w)
  const l0 = tail(0)
  return solveMonotone((w) => l0 - tail(w), Math.LN2, A / (p.r + x)) as number
}

const FITS: Record<string, ParetoParams> = {
  commonDropout: { r: 0.6119056221520938, alpha: 12.599483036656824, s: 1e5, beta: 13653431.458 },
  moderateS: { r: 1.3, alpha: 10, s: 5, beta: 40 },
  largeS: { r: 0.2, alpha: 2, s: 400, beta: 3000 },
  smallR: { r: 0.05, alpha: 30, s: 12, beta: 900 },
}

describe('Pareto/NBD next-purchase median on the quadrature path', () => {
  for (const [name, p] of Object.entries(FITS)) {
    it(`agrees with the tail equation for ${name}`, () => {
      const bad: string[] = []
      for (const x of [0, 1, 2, 5, 20, 100]) {
        for (const T of [0.5, 5, 20.285714285714285, 21.428571428571427, 60, 150]) {
          const got = paretoNbd.expectedNextPurchaseTime(p, x, T, T).median as number
          const want = tailMedian(p, x, T)
          // the tail equation's own rounding: -s log B is 1.6e6 at s = 1e5
          if (!(Math.abs(got / want - 1) < 1e-8)) bad.push(`x=${x} T=${T}: ${got} vs ${want}`)
        }
      }
      expect(bad).toEqual([])
    })
  }
})

// Scoring (predict.ts) asks for the median alone; it must be the same number as the whole call's,
// on both paths (CDNOW's published fit takes the 2F1 path) and whatever t_x is.
describe('Pareto/NBD median-only next purchase', () => {
  const cdnow: ParetoParams = { r: 0.553, alpha: 10.58, s: 0.606, beta: 11.67 }
  for (const [name, p] of Object.entries({ ...FITS, cdnow })) {
    it(`equals expectedNextPurchaseTime().median for ${name}`, () => {
      const bad: string[] = []
      for (const x of [0, 1, 7, 300]) {
        for (const T of [0, 0.25, 21.428571428571427, 400]) {
          for (const tx of [0, T / 3, T]) {
            if (x === 0 && tx > 0) continue
            const want = paretoNbd.expectedNextPurchaseTime(p, x, tx, T).median
            const got = medianNextPurchaseTime(p, x, tx, T)
            if (!Object.is(got, want)) bad.push(`x=${x} tx=${tx} T=${T}: ${got} vs ${want}`)
          }
        }
      }
      expect(bad).toEqual([])
    })
  }
  it('rejects what the whole call rejects', () => {
    expect(() => medianNextPurchaseTime({ ...FITS.moderateS!, s: -1 }, 1, 1, 2)).toThrow()
    expect(() => medianNextPurchaseTime(FITS.moderateS!, 1, 3, 2)).toThrow()
  })
})
