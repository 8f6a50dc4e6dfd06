import { describe, expect, it } from 'vitest'
import { csvColumns, fixtureJson } from '../../../test/models/fixtures.ts'
import { ConvergenceError, DataError } from '../../errors.ts'
import {
  expectedSpend,
  expectedSpendAll,
  fitGammaGamma,
  gammaGammaGradient,
  gammaGammaLogLikelihood,
  simulateGammaGamma,
  spendFrequencyCorrelation,
} from './gamma-gamma.ts'

interface Fx {
  customers: number
  mle: { p: number; q: number; gamma: number }
  logLikelihood: number
  fixed: { params: number[]; logLikelihood: number; gradient: number[] }
  conditionalSpend: { x: number; mx: number; params: number[]; value: number }[]
  populationMean: number
  correlation: number
}
const fx = fixtureJson<Fx>('gamma_gamma.json')
const cd = csvColumns('cdnow/cdnow_calibration_summary.csv')
const data = { x: cd.x!, mx: cd['m.x']! }

describe('Gamma-Gamma on the CDNOW repeaters', () => {
  it('is the same fit in any currency unit: spend times c gives p, q, gamma times c, LL - n log c', () => {
    const base = fitGammaGamma(data)
    // mean spends in the millions (dong, rupiah) and in millionths were refused as run-offs
    for (const c of [1e5, 1e7, 1e-8]) {
      const f = fitGammaGamma({ x: data.x, mx: data.mx.map((m) => m * c) })
      expect(f.params.p / base.params.p - 1).toBeCloseTo(0, 5)
      expect(f.params.q / base.params.q - 1).toBeCloseTo(0, 5)
      expect(f.params.gamma / (base.params.gamma * c) - 1).toBeCloseTo(0, 5)
      expect(f.standardErrors.gamma / (base.standardErrors.gamma * c) - 1).toBeCloseTo(0, 3)
      expect(
        f.confidenceIntervals.gamma[1] / (base.confidenceIntervals.gamma[1] * c) - 1,
      ).toBeCloseTo(0, 3)
      expect(f.logLikelihood - (base.logLikelihood - 946 * Math.log(c))).toBeCloseTo(0, 5)
      expect(f.bic - (base.bic + 2 * 946 * Math.log(c))).toBeCloseTo(0, 4)
      expect(
        expectedSpend(f.params, 2, 30 * c) / (expectedSpend(base.params, 2, 30) * c) - 1,
      ).toBeCloseTo(0, 5)
    }
  })

  it('reproduces the published estimates (Fader & Hardie 2013) and the scipy fit', () => {
    const f = fitGammaGamma(data)
    expect(f.customers).toBe(946)
    expect(Math.abs(f.params.p / 6.2488 - 1)).toBeLessThan(1e-3)
    expect(Math.abs(f.params.q / 3.7446 - 1)).toBeLessThan(1e-3)
    expect(Math.abs(f.params.gamma / 15.4477 - 1)).toBeLessThan(1e-3)
    expect(Math.abs(f.logLikelihood - -4055.92)).toBeLessThan(0.01)
    expect(Math.abs(f.logLikelihood - fx.logLikelihood)).toBeLessThan(1e-6)
    expect(f.standardErrors.p).toBeGreaterThan(0)
    expect(f.confidenceIntervals.q[0]).toBeLessThan(f.params.q)
    expect(f.confidenceIntervals.q[1]).toBeGreaterThan(f.params.q)
    expect(f.correlation).toBeCloseTo(fx.correlation, 10)
    expect(f.warnings).toEqual([])
    expect(f.aic).toBeCloseTo(6 - 2 * f.logLikelihood, 8)
  })

  it('log-likelihood and analytic gradient agree with mpmath', () => {
    const [p, q, gamma] = fx.fixed.params as [number, number, number]
    expect(gammaGammaLogLikelihood({ p, q, gamma }, data)).toBeCloseTo(fx.fixed.logLikelihood, 8)
    const g = gammaGammaGradient({ p, q, gamma }, data)
    g.forEach((v, i) => {
      expect(Math.abs(v - fx.fixed.gradient[i]!)).toBeLessThan(
        1e-7 * Math.abs(fx.fixed.gradient[i]!),
      )
    })
  })

  it('gradient matches central differences', () => {
    const P = { p: 3.1, q: 2.2, gamma: 9 }
    const g = gammaGammaGradient(P, data)
    const h = 1e-5
    const keys = ['p', 'q', 'gamma'] as const
    keys.forEach((k, i) => {
      const up = gammaGammaLogLikelihood({ ...P, [k]: P[k] + h }, data)
      const dn = gammaGammaLogLikelihood({ ...P, [k]: P[k] - h }, data)
      expect(Math.abs((up - dn) / (2 * h) - g[i]!)).toBeLessThan(
        1e-5 * Math.max(1, Math.abs(g[i]!)),
      )
    })
  })

  it('conditional expected spend matches the closed form', () => {
    for (const c of fx.conditionalSpend) {
      const [p, q, gamma] = c.params as [number, number, number]
      expect(expectedSpend({ p, q, gamma }, c.x, c.mx)).toBeCloseTo(c.value, 10)
    }
    const [p, q, gamma] = fx.conditionalSpend[0]!.params as [number, number, number]
    const all = expectedSpendAll({ p, q, gamma }, [0, 2], [0, 22.345])
    expect(all[0]).toBeCloseTo(fx.populationMean, 9)
    expect(all[1]).toBeCloseTo(fx.conditionalSpend[1]!.value, 10)
  })

  it('is infinite, never negative, where p x + q <= 1 (q < 1: E[1/nu | data] diverges)', () => {
    const P = { p: 0.1, q: 0.5, gamma: 10 }
    // p x + q - 1 = -0.4 at x = 1: the formula alone would say -7.5
    expect(expectedSpend(P, 1, 20)).toBe(Number.POSITIVE_INFINITY)
    // x = 6: 0.1 (10 + 120) / 0.1 = 130, finite again
    expect(expectedSpend(P, 6, 20)).toBeCloseTo(130, 9)
    expect(Array.from(expectedSpendAll(P, [1, 6], [20, 20]))).toEqual([
      Number.POSITIVE_INFINITY,
      expectedSpend(P, 6, 20),
    ])
  })
})

describe('Gamma-Gamma bad and degenerate data', () => {
  it('names the count of repeaters with zero or negative spend', () => {
    const bad = { x: [1, 2, 3, 0], mx: [10, 0, -5, 0] }
    expect(() => fitGammaGamma(bad)).toThrow(DataError)
    expect(() => fitGammaGamma(bad)).toThrow(/^2 customers/)
  })
  it('can exclude them with a note', () => {
    const sim = simulateGammaGamma({ p: 6, q: 4, gamma: 15 }, new Float64Array(500).fill(3), 5)
    const x = Float64Array.from([...new Float64Array(500).fill(3), 2])
    const mx = Float64Array.from([...sim, -1])
    const f = fitGammaGamma({ x, mx }, { excludeNonPositive: true })
    expect(f.excluded).toBe(1)
    expect(f.customers).toBe(500)
    expect(f.warnings.join(' ')).toMatch(/1 repeat customer/)
  })
  it('counts excluded customers by weight in a compressed table', () => {
    const sim = simulateGammaGamma({ p: 6, q: 4, gamma: 15 }, new Float64Array(500).fill(3), 5)
    const x = Float64Array.from([...new Float64Array(500).fill(3), 2, 1])
    const mx = Float64Array.from([...sim, 0, -4])
    const weight = Float64Array.from([...new Float64Array(500).fill(1), 50, 25])
    expect(() => fitGammaGamma({ x, mx, weight })).toThrow(/^75 customers/)
    const f = fitGammaGamma({ x, mx, weight }, { excludeNonPositive: true })
    expect(f.excluded).toBe(75)
    expect(f.warnings.join(' ')).toMatch(/75 repeat customers/)
  })
  it('explains a run-off when every transaction has the same value', () => {
    const x = Float64Array.from({ length: 100 }, (_, i) => 1 + (i % 3))
    const mx = new Float64Array(100).fill(30)
    expect(() => fitGammaGamma({ x, mx })).toThrow(ConvergenceError)
    expect(() => fitGammaGamma({ x, mx })).toThrow(
      /ran off to infinity .*: the transaction values .* do not vary/,
    )
    // in any currency unit the same run-off, its figures in that unit: the mean negative
    // log-likelihood moves by log c (spend's density over c), gamma by the factor c
    const caught = (m: ArrayLike<number>): ConvergenceError => {
      try {
        fitGammaGamma({ x, mx: m })
      } catch (e) {
        return e as ConvergenceError
      }
      throw new Error('no run-off')
    }
    const one = caught(mx).details as { value: number; lastParams: number[] }
    const big = caught(mx.map((v) => v * 1e6)).details as { value: number; lastParams: number[] }
    expect(big.value - one.value).toBeCloseTo(Math.log(1e6), 6)
    expect(big.lastParams[2]! - one.lastParams[2]!).toBeCloseTo(Math.log(1e6), 6)
  })
  it('refuses data with nobody repeating', () => {
    expect(() => fitGammaGamma({ x: [0, 0], mx: [0, 0] })).toThrow(/no customer with repeat/)
  })
  it('warns when frequency and spend are strongly correlated', () => {
    const x = Float64Array.from({ length: 400 }, (_, i) => 1 + (i % 10))
    const base = simulateGammaGamma({ p: 6, q: 4, gamma: 15 }, x, 9)
    const mx = Float64Array.from(base, (v, i) => v * x[i]!)
    expect(spendFrequencyCorrelation({ x, mx })).toBeGreaterThan(0.5)
    const f = fitGammaGamma({ x, mx })
    expect(f.warnings[0]).toMatch(/correlated/)
  })
})

describe('Gamma-Gamma simulation recovery', () => {
  it('recovers known parameters within 3 standard errors', () => {
    const truth = { p: 6, q: 4, gamma: 15 }
    const n = 20000
    const x = Float64Array.from({ length: n }, (_, i) => 1 + (i % 6))
    const mx = simulateGammaGamma(truth, x, 2024)
    const f = fitGammaGamma({ x, mx })
    for (const k of ['p', 'q', 'gamma'] as const) {
      expect(Math.abs(f.params[k] - truth[k])).toBeLessThan(3 * f.standardErrors[k])
    }
  })

  it('large inputs (subsample warm start) recover known parameters, tighter than half the data', () => {
    const truth = { p: 4, q: 3, gamma: 10 }
    const n = 120_000
    const x = Float64Array.from({ length: n }, (_, i) => 1 + (i % 9))
    const mx = simulateGammaGamma(truth, x, 77)
    const big = fitGammaGamma({ x, mx })
    // the same data as 2 weighted halves stays under the warm-start threshold
    const half = n / 2
    const w = new Float64Array(half).fill(1)
    const a = fitGammaGamma({ x: x.subarray(0, half), mx: mx.subarray(0, half), weight: w })
    expect(a.customers).toBe(half)
    for (const k of ['p', 'q', 'gamma'] as const) {
      expect(Math.abs(big.params[k] - truth[k])).toBeLessThan(3 * big.standardErrors[k])
      expect(Math.abs(a.params[k] - truth[k])).toBeLessThan(3 * a.standardErrors[k])
    }
    expect(big.standardErrors.p).toBeLessThan(a.standardErrors.p)
  })
})
