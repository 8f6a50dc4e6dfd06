import { describe, expect, it } from 'vitest'
import { csvColumns, fixtureJson } from '../../../test/models/fixtures.ts'
import { DataError } from '../../errors.ts'
import { compressHistories } from '../compress.ts'
import { lbeta } from '../special.ts'
import {
  type BgbbParams,
  bgbbDiscountedResidualTransactions,
  bgbbExpectedNextPurchase,
  bgbbExpectedPurchases,
  bgbbExpectedPurchasesNew,
  bgbbGradient,
  bgbbLogLikelihood,
  bgbbProbabilityAlive,
  bgbbProbabilityAnyPurchase,
  bgbbProbabilityPurchases,
  fitBgbb,
  simulateBgbb,
} from './bgbb.ts'

interface Fx {
  mle: BgbbParams
  logLikelihood: number
  fixed: { params: number[]; logLikelihood: number; gradient: number[] }
  histories: {
    x: number
    tx: number
    n: number
    pAlive: number
    conditional5: number
    conditional10: number
    dert10: number
  }[]
  newCustomer: { n: number; expected: number; pmf: number[] }[]
  holdoutXStar: number[]
  holdoutAnnual: number[]
}
const fx = fixtureJson<Fx>('bgbb.json')
/** A BG/BB table fixture (frequency, recency, periods, weights) as histories. */
function bgbbTable(rel: string) {
  const d = csvColumns(rel)
  return {
    x: d.frequency!,
    tx: d.recency!,
    T: d.periods!,
    weight: d.weights!,
    customers: d.weights!.reduce((a, b) => a + b, 0),
  }
}
const h = bgbbTable('donations/donations.csv')
const asP = (v: number[]): BgbbParams => ({
  alpha: v[0]!,
  beta: v[1]!,
  gamma: v[2]!,
  delta: v[3]!,
})
const rel = (a: number, b: number) => Math.abs(a / b - 1)

describe('BG/BB on the donations data', () => {
  const f = fitBgbb(h)
  it('reproduces the published estimates (Fader, Hardie & Shang 2010)', () => {
    expect(f.customers).toBe(11104)
    expect(rel(f.params.alpha, 1.2035)).toBeLessThan(1e-3)
    expect(rel(f.params.beta, 0.7497)).toBeLessThan(1e-3)
    expect(rel(f.params.gamma, 0.6567)).toBeLessThan(1e-3)
    expect(rel(f.params.delta, 2.7834)).toBeLessThan(1e-3)
    expect(Math.abs(f.logLikelihood - -33225.58)).toBeLessThan(0.01)
    expect(Math.abs(f.logLikelihood - fx.logLikelihood)).toBeLessThan(1e-6)
    for (const k of ['alpha', 'beta', 'gamma', 'delta'] as const) {
      expect(rel(f.params[k], fx.mle[k])).toBeLessThan(1e-4)
      expect(f.standardErrors[k]).toBeGreaterThan(0)
    }
  })

  it('predicts the 5 holdout years close to the actual donations', () => {
    let predicted = 0
    let actual = 0
    for (let i = 0; i < h.x.length; i++) {
      const e = bgbbExpectedPurchases(f.params, 5, h.x[i]!, h.tx[i]!, h.T[i]!)
      predicted += h.weight[i]! * e
      actual += fx.holdoutXStar[i]!
    }
    expect(actual).toBe(fx.holdoutAnnual.slice(6).reduce((a, b) => a + b, 0))
    // FHS 2010 report a slight under-forecast of the 2002-2006 donations; ours is -2.8 %
    expect(predicted / actual).toBeGreaterThan(0.95)
    expect(predicted / actual).toBeLessThan(1)
    // the most loyal cell (6 of 6 years) is predicted within 10 %
    const last = h.x.length - 1
    const e = bgbbExpectedPurchases(f.params, 5, 6, 6, 6) * h.weight[last]!
    expect(rel(e, fx.holdoutXStar[last]!)).toBeLessThan(0.1)
  })

  it('log-likelihood and analytic gradient agree with mpmath', () => {
    const P = asP(fx.fixed.params)
    expect(bgbbLogLikelihood(P, h)).toBeCloseTo(fx.fixed.logLikelihood, 6)
    bgbbGradient(P, h).forEach((v, i) => {
      expect(Math.abs(v - fx.fixed.gradient[i]!)).toBeLessThan(
        1e-6 * Math.abs(fx.fixed.gradient[i]!),
      )
    })
  })

  it('gradient matches central differences', () => {
    const P = { alpha: 0.5, beta: 2, gamma: 1.3, delta: 0.9 }
    const g = bgbbGradient(P, h)
    const eps = 1e-6
    ;(['alpha', 'beta', 'gamma', 'delta'] as const).forEach((k, i) => {
      const num =
        (bgbbLogLikelihood({ ...P, [k]: P[k] + eps }, h) -
          bgbbLogLikelihood({ ...P, [k]: P[k] - eps }, h)) /
        (2 * eps)
      expect(Math.abs(num - g[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(g[i]!)))
    })
  })

  it('P(alive), conditional expectations and DERT match mpmath', () => {
    for (const c of fx.histories) {
      expect(bgbbProbabilityAlive(fx.mle, c.x, c.tx, c.n)).toBeCloseTo(c.pAlive, 10)
      expect(rel(bgbbExpectedPurchases(fx.mle, 5, c.x, c.tx, c.n), c.conditional5)).toBeLessThan(
        1e-9,
      )
      expect(rel(bgbbExpectedPurchases(fx.mle, 10, c.x, c.tx, c.n), c.conditional10)).toBeLessThan(
        1e-9,
      )
      const dert = bgbbDiscountedResidualTransactions(fx.mle, 0.1, c.x, c.tx, c.n)
      expect(rel(dert, c.dert10)).toBeLessThan(1e-9)
    }
  })

  it('E[X(n)] and P(X(n) = x) for a new customer match mpmath', () => {
    for (const c of fx.newCustomer) {
      expect(rel(bgbbExpectedPurchasesNew(fx.mle, c.n), c.expected)).toBeLessThan(1e-10)
      let s = 0
      c.pmf.forEach((v, x) => {
        const p = bgbbProbabilityPurchases(fx.mle, c.n, x)
        expect(Math.abs(p - v)).toBeLessThan(1e-12)
        s += p
      })
      expect(s).toBeCloseTo(1, 12)
    }
    // long horizon uses the closed form; it must agree with the direct sum at the switch point
    const a = bgbbExpectedPurchasesNew(fx.mle, 64)
    const b = bgbbExpectedPurchasesNew(fx.mle, 65)
    const { alpha, beta, gamma, delta } = fx.mle
    const step = (alpha / (alpha + beta)) * Math.exp(lbeta(gamma, delta + 65) - lbeta(gamma, delta))
    expect(rel(b - a, step)).toBeLessThan(1e-9)
  })
})

describe('BG/BB robustness and simulation', () => {
  it('rejects impossible histories with a typed error', () => {
    const bad = { x: [2], tx: [1], T: [6], weight: [1], customers: 1 }
    expect(() => fitBgbb(bad as never)).toThrow(DataError)
    const bad2 = { x: [0], tx: [3], T: [6], weight: [1], customers: 1 }
    expect(() => bgbbLogLikelihood(fx.mle, bad2 as never)).toThrow(/recency 0 exactly/)
  })
  it('handles a long weekly history with a large count', () => {
    const pa = bgbbProbabilityAlive(fx.mle, 300, 500, 520)
    expect(Number.isFinite(pa)).toBe(true)
    expect(pa).toBeGreaterThan(0)
    expect(Number.isFinite(bgbbExpectedPurchases(fx.mle, 52, 300, 500, 520))).toBe(true)
  })
  it('recovers known parameters from simulated data within 3 standard errors', () => {
    const truth = { alpha: 1.2, beta: 0.75, gamma: 0.65, delta: 2.8 }
    const sim = simulateBgbb(truth, 40000, 8, 7)
    const hist = compressHistories(sim.x, sim.tx, sim.n)
    expect(hist.x.length).toBeLessThanOrEqual(37)
    const f = fitBgbb(hist)
    for (const k of ['alpha', 'beta', 'gamma', 'delta'] as const) {
      expect(Math.abs(f.params[k] - truth[k])).toBeLessThan(3 * f.standardErrors[k])
    }
  })
  it('finds the interior maximum of data without dropout (from the first start a ridge hid it)', () => {
    // scripts/fixtures/bgbb_no_dropout.py: p ~ Beta(1.5, 0.8), nobody drops out
    const hist = bgbbTable('bgbb/no_dropout_sim.csv')
    const f = fitBgbb(hist)
    expect(f.customers).toBe(10000)
    for (const k of ['alpha', 'beta', 'gamma', 'delta'] as const) {
      const [lo, hi] = f.confidenceIntervals[k]
      expect(lo, k).toBeGreaterThan(0)
      expect(Number.isFinite(hi), k).toBe(true)
    }
    // a stationary point: the gradient in log-parameters vanishes
    const p = [f.params.alpha, f.params.beta, f.params.gamma, f.params.delta]
    const g = bgbbGradient(f.params, hist)
    for (const [i, v] of g.entries()) expect(Math.abs(v * p[i]!)).toBeLessThan(1e-2)
  })
  it('the simulator matches E[X(n)] for new customers', () => {
    const sim = simulateBgbb(fx.mle, 50000, 6, 11)
    const mean = sim.x.reduce((a, b) => a + b, 0) / 50000
    expect(Math.abs(mean - bgbbExpectedPurchasesNew(fx.mle, 6))).toBeLessThan(0.05)
  })
})

describe('BG/BB next transaction', () => {
  const pub: BgbbParams = { alpha: 1.2035, beta: 0.7497, gamma: 0.6567, delta: 2.7834 }
  it('P(at least one transaction in the next k) matches sums of the posterior (mpmath)', () => {
    // Σ_{m<=k} B(α+x+1, β+n-x+m-1) B(γ, δ+n+m) / (B(α,β) B(γ,δ) L), mpmath at 30 digits
    const want = [0.23234116026228918, 0.3645439764936672, 0.41079724358916053]
    ;[1, 3, 10].forEach((k, i) => {
      expect(rel(bgbbProbabilityAnyPurchase(pub, k, 3, 4, 6), want[i]!)).toBeLessThan(1e-12)
    })
    expect(bgbbProbabilityAnyPurchase(pub, 0, 3, 4, 6)).toBe(0)
  })
  it('for a new customer, P(none in k) is P(X(k) = 0) of FHS 2010 eq. 7', () => {
    for (const k of [1, 5, 12]) {
      const none = 1 - bgbbProbabilityAnyPurchase(pub, k, 0, 0, 0)
      expect(rel(none, bgbbProbabilityPurchases(pub, k, 0))).toBeLessThan(1e-12)
    }
  })
  it('waiting time to the next transaction: probability, median and mean (brute-force sums)', () => {
    // probability: mpmath nsum; mean: direct sum to 1e7 plus the power-law tail (numpy)
    const a = bgbbExpectedNextPurchase(pub, 0, 0, 6)
    expect(rel(a.probability, 0.07701568284066304)).toBeLessThan(1e-5)
    expect(rel(a.mean!, 9.03075327434275)).toBeLessThan(1e-6)
    expect(a.median).toBe(4)
    const b = bgbbExpectedNextPurchase(pub, 6, 6, 6)
    expect(rel(b.probability, 0.9236685169310694)).toBeLessThan(1e-9)
    expect(rel(b.mean!, 1.1101329758157312)).toBeLessThan(1e-9)
    expect(b.median).toBe(1)
    const heavy = bgbbExpectedNextPurchase({ ...pub, alpha: 0.2, gamma: 0.3 }, 0, 0, 6)
    expect(heavy.mean).toBeNull()
    expect(heavy.reason).toMatch(/infinite/)
    expect(Number.isFinite(heavy.probability) && heavy.median! > 0).toBe(true)
  })
  it('scoring functions reject impossible histories and parameters with DataError, not NaN', () => {
    expect(() => bgbbProbabilityAlive(pub, 7, 6, 6)).toThrow(DataError)
    expect(() => bgbbProbabilityAlive(pub, 3, 8, 6)).toThrow(DataError)
    expect(() => bgbbProbabilityAlive(pub, 3, 0, 6)).toThrow(DataError)
    expect(() => bgbbProbabilityAlive({ ...pub, alpha: -1 }, 3, 4, 6)).toThrow(DataError)
    expect(() => bgbbExpectedPurchases(pub, -3, 3, 4, 6)).toThrow(DataError)
    expect(() => bgbbDiscountedResidualTransactions(pub, 0.1, 2, 1, 6)).toThrow(DataError)
    expect(() => bgbbProbabilityAnyPurchase(pub, 2.5, 3, 4, 6)).toThrow(DataError)
    expect(() => bgbbExpectedNextPurchase({ ...pub, delta: Number.NaN }, 3, 4, 6)).toThrow(
      DataError,
    )
  })
})

describe('BG/BB new-customer functions', () => {
  it('name a bad number of opportunities as the argument, not as a history row', () => {
    const p = { alpha: 1.2035, beta: 0.7497, gamma: 0.6567, delta: 2.7834 }
    for (const n of [-1, 1.5, Number.NaN]) {
      expect(() => bgbbExpectedPurchasesNew(p, n)).toThrow(
        new DataError(`opportunities must be a whole number >= 0 (got ${n})`),
      )
      expect(() => bgbbProbabilityPurchases(p, n, 0)).toThrow(/^opportunities must be a whole/)
    }
    expect(bgbbExpectedPurchasesNew(p, 0)).toBe(0)
  })
})
