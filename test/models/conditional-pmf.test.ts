// P(exactly n purchases in the next t | a customer's history), for BG/NBD, MBG/NBD, Pareto/NBD and
// BG/BB: a customer alive at T buys on as a new customer under the alive posterior. Checked by
// what it must agree with, each computed by another function: it sums to 1, its mean is the
// conditional expectation, and its n = 0 term is 1 − P(at least one purchase in the window).
import { describe, expect, it } from 'vitest'
import {
  bgbbConditionalProbabilityPurchases,
  bgbbExpectedPurchases,
  bgbbProbabilityAnyPurchase,
  bgnbd,
  mbgnbd,
  paretoNbd,
} from '../../src/index.ts'

// the published CDNOW estimates (FHL 2005; Batislam et al. 2007; FHL 2005 for Pareto/NBD)
const bg = { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 }
const mbg = { r: 0.5251, alpha: 6.1839, a: 0.8915, b: 1.6141 }
const pareto = { r: 0.5533, alpha: 10.5776, s: 0.6061, beta: 11.6696 }
// (x, t_x, T) in weeks: a one-timer, a frequent buyer gone quiet, a steady one, one of the heaviest
const histories = [
  [0, 0, 38.86],
  [2, 30.43, 38.86],
  [7, 29.43, 32.71],
  [29, 37.71, 38.86],
  [5, 2, 38],
] as const

/** Σ P(n) and Σ n P(n) up to the n where the terms fall below 1e-16 of the mass. */
function moments(pmf: (n: number) => number): { mass: number; mean: number } {
  let mass = 0
  let mean = 0
  for (let n = 0; n < 5000; n++) {
    const v = pmf(n)
    expect(v).toBeGreaterThanOrEqual(0)
    mass += v
    mean += n * v
    if (n > 50 && v < 1e-17) break
  }
  return { mass, mean }
}

describe.each([
  ['bgnbd', bgnbd, bg],
  ['mbgnbd', mbgnbd, mbg],
  ['pareto', paretoNbd, pareto],
] as const)('%s conditionalProbabilityOfPurchases', (_, model, params) => {
  // biome-ignore lint/suspicious/noExplicitAny: the three model objects share a duck-typed surface
  const m = model as any
  for (const [x, tx, T] of histories) {
    for (const t of [1, 39, 260]) {
      it(`history (${x}, ${tx}, ${T}) over ${t} weeks`, () => {
        const pmf = (n: number) => m.conditionalProbabilityOfPurchases(params, n, t, x, tx, T)
        const { mass, mean } = moments(pmf)
        expect(mass).toBeCloseTo(1, 10)
        const expected = m.expectedPurchases(params, t, x, tx, T)
        expect(Math.abs(mean - expected) / expected).toBeLessThan(1e-9)
        const none = 1 - m.probabilityAnyPurchase(params, t, x, tx, T)
        expect(Math.abs(pmf(0) - none)).toBeLessThan(1e-12)
      })
    }
  }

  it('is a new customer’s distribution at an empty history with T = 0 (BG/NBD, Pareto/NBD)', () => {
    if (m.name === 'mbgnbd') return // MBG/NBD's new customer may drop out at the start
    for (const n of [0, 1, 4]) {
      expect(m.conditionalProbabilityOfPurchases(params, n, 20, 0, 0, 0)).toBeCloseTo(
        m.probabilityOfPurchases(params, n, 20),
        14,
      )
    }
  })
})

describe('bgbbConditionalProbabilityPurchases', () => {
  // the donations estimates (FHS 2010)
  const p = { alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 }
  for (const [x, tx, n] of [
    [0, 0, 6],
    [3, 6, 6],
    [2, 3, 6],
    [6, 6, 6],
  ] as const) {
    for (const nStar of [1, 5, 20]) {
      it(`history (${x}, ${tx}, ${n}) over ${nStar} opportunities`, () => {
        let mass = 0
        let mean = 0
        for (let k = 0; k <= nStar; k++) {
          const v = bgbbConditionalProbabilityPurchases(p, nStar, k, x, tx, n)
          mass += v
          mean += k * v
        }
        expect(mass).toBeCloseTo(1, 12)
        const expected = bgbbExpectedPurchases(p, nStar, x, tx, n)
        expect(Math.abs(mean - expected) / expected).toBeLessThan(1e-10)
        const none = 1 - bgbbProbabilityAnyPurchase(p, nStar, x, tx, n)
        expect(bgbbConditionalProbabilityPurchases(p, nStar, 0, x, tx, n)).toBeCloseTo(none, 12)
        expect(bgbbConditionalProbabilityPurchases(p, nStar, nStar + 1, x, tx, n)).toBe(0)
      })
    }
  }
})
