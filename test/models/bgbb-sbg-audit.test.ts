// Audit items 8, 9 and 11 for BG/BB and sBG: the heavy-tailed next-transaction distribution, the
// discounted sums at tiny discount rates, and typed errors for invalid arguments. References come
// from scripts/fixtures/bgbb_sbg_audit.py (mpmath).
import { describe, expect, it } from 'vitest'
import {
  type BgbbParams,
  bgbbDiscountedResidualTransactions,
  bgbbExpectedNextPurchase,
  bgbbGradient,
  bgbbLogLikelihood,
  bgbbProbabilityAnyPurchase,
  bgbbProbabilityPurchases,
  simulateBgbb,
} from '../../src/core/models/bgbb.ts'
import {
  fitSbg,
  sbgChurnProbability,
  sbgDiscountedExpectedLifetime,
  sbgDiscountedResidualLifetime,
  sbgGradient,
  sbgLogLikelihood,
  sbgRetentionRate,
  sbgSurvival,
  simulateSbg,
} from '../../src/core/models/sbg.ts'
import { DataError } from '../../src/errors.ts'
import { fixtureJson } from './fixtures.ts'

interface Fx {
  sbg: {
    alpha: number
    beta: number
    d: number[]
    del: number[]
    derl5: number[]
    derl100: number[]
  }[]
  dert: { params: number[]; history: number[]; d: number[]; dert: number[] }[]
  next: {
    params: number[]
    history: number[]
    probability: number
    mean?: number
    median?: number
  }[]
}
const fx = fixtureJson<Fx>('bgbb_sbg_audit.json')
const rel = (a: number, b: number) => Math.abs(a / b - 1)
const asBb = (v: number[]): BgbbParams => ({
  alpha: v[0]!,
  beta: v[1]!,
  gamma: v[2]!,
  delta: v[3]!,
})
const BB = { alpha: 1.2035, beta: 0.7497, gamma: 0.6567, delta: 2.7834 }
const SR = { alpha: 0.704, beta: 1.182 }

describe('sBG discounted lifetimes for any discount rate (audit item 9)', () => {
  it('DEL and DERL match 2F1(1, b; a+b; 1/(1+d)) from d = 10 down to 1e-12', () => {
    for (const c of fx.sbg) {
      const p = { alpha: c.alpha, beta: c.beta }
      c.d.forEach((d, i) => {
        const at = `alpha ${c.alpha}, beta ${c.beta}, d ${d}`
        expect(rel(sbgDiscountedExpectedLifetime(p, d), c.del[i]!), at).toBeLessThan(1e-11)
        expect(rel(sbgDiscountedResidualLifetime(p, d, 5), c.derl5[i]!), at).toBeLessThan(1e-11)
        expect(rel(sbgDiscountedResidualLifetime(p, d, 100), c.derl100[i]!), at).toBeLessThan(1e-11)
      })
    }
  })

  it("gives the audit's DEL at d = 1e-8 (730.99, not the truncated 401.2)", () => {
    expect(sbgDiscountedExpectedLifetime(SR, 1e-8)).toBeCloseTo(730.9926144089442, 9)
    expect(sbgDiscountedResidualLifetime(SR, 1e-8, 5)).toBeCloseTo(2489.546589569371, 8)
  })

  it('keeps DEL = 1 + DERL(0)/(1+d) and stays finite and increasing as d -> 0', () => {
    let last = 0
    for (const d of [1, 1e-2, 1e-3, 1e-5, 1e-9, 1e-15, 1e-30, 1e-100, 1e-300]) {
      const del = sbgDiscountedExpectedLifetime(SR, d)
      expect(rel(del, 1 + sbgDiscountedResidualLifetime(SR, d, 0) / (1 + d))).toBeLessThan(1e-12)
      expect(Number.isFinite(del) && del > last).toBe(true)
      last = del
    }
    // α > 1: the undiscounted lifetime is finite, (α+β-1)/(α-1)
    expect(rel(sbgDiscountedExpectedLifetime({ alpha: 3, beta: 2 }, 1e-300), 2)).toBeLessThan(1e-12)
  })
})

describe('BG/BB DERT for any discount rate (audit item 9)', () => {
  it('matches FHS 2010 eq. 14 from d = 0.1 down to 1e-12', () => {
    for (const c of fx.dert) {
      const [x, tx, n] = c.history as [number, number, number]
      c.d.forEach((d, i) => {
        const got = bgbbDiscountedResidualTransactions(asBb(c.params), d, x, tx, n)
        expect(rel(got, c.dert[i]!), `${c.params} ${c.history} d ${d}`).toBeLessThan(1e-11)
      })
    }
  })
})

describe('BG/BB next transaction with heavy tails (audit item 8)', () => {
  it('matches the posterior-integral probability, mean and median', () => {
    for (const c of fx.next) {
      const [x, tx, n] = c.history as [number, number, number]
      const at = `${c.params} ${c.history}`
      const r = bgbbExpectedNextPurchase(asBb(c.params), x, tx, n)
      expect(rel(r.probability, c.probability), at).toBeLessThan(1e-11)
      if (c.mean === undefined) expect(r.mean, at).toBeNull()
      else expect(rel(r.mean!, c.mean), at).toBeLessThan(1e-11)
      if (c.median !== undefined) expect(r.median, at).toBe(c.median)
      expect(r.median, at).not.toBeNull()
    }
  })

  it('gives 1/2 for P(any) when the two betas are the same (symmetry)', () => {
    const r = bgbbExpectedNextPurchase({ alpha: 1e-3, beta: 1e3, gamma: 1e-3, delta: 1e3 }, 0, 0, 0)
    expect(Math.abs(r.probability - 0.5)).toBeLessThan(1e-9)
    // half the probability lies beyond ~3e153 opportunities; the median is still reported
    expect(r.median).toBeGreaterThan(1e150)
    expect(r.mean).toBeNull()
    expect(r.reason).toMatch(/mean waiting time is infinite.*use the median/)
  })

  it('finds the median where the audit found it (532,000 opportunities)', () => {
    const r = bgbbExpectedNextPurchase(
      { alpha: 0.05, beta: 0.5, gamma: 0.05, delta: 0.3 },
      0,
      0,
      520,
    )
    expect(r.median).toBe(532000)
    expect(r.reason).toMatch(/use the median/)
  })

  it('puts the median where P(any purchase in the next m) first reaches half of P(any)', () => {
    for (const [x, tx, n] of [
      [0, 0, 520],
      [1, 1, 520],
      [0, 0, 6],
    ] as const) {
      const r = bgbbExpectedNextPurchase(BB, x, tx, n)
      const m = r.median!
      expect(bgbbProbabilityAnyPurchase(BB, m, x, tx, n)).toBeGreaterThanOrEqual(r.probability / 2)
      expect(bgbbProbabilityAnyPurchase(BB, m - 1, x, tx, n)).toBeLessThan(r.probability / 2)
    }
  })
})

describe('BG/BB rejects invalid arguments with DataError (audit item 11)', () => {
  const h = {
    x: Float64Array.of(0, 2, 6),
    tx: Float64Array.of(0, 4, 6),
    T: Float64Array.of(6, 6, 6),
    weight: Float64Array.of(3, 2, 1),
    customers: 6,
  }
  it('log-likelihood and gradient: parameters must be finite and > 0', () => {
    for (const alpha of [Number.NaN, -1, 0, Number.POSITIVE_INFINITY]) {
      expect(() => bgbbLogLikelihood({ ...BB, alpha }, h)).toThrow(DataError)
      expect(() => bgbbGradient({ ...BB, alpha }, h)).toThrow(DataError)
    }
    expect(() => bgbbLogLikelihood({ ...BB, delta: Number.NaN }, h)).toThrow(/delta/)
    expect(Number.isFinite(bgbbLogLikelihood(BB, h))).toBe(true)
  })

  it('P(X(n) = x): x must be a whole number >= 0; x > n is impossible (0)', () => {
    for (const x of [Number.NaN, -1, 2.5, Number.POSITIVE_INFINITY]) {
      expect(() => bgbbProbabilityPurchases(BB, 6, x)).toThrow(DataError)
    }
    expect(bgbbProbabilityPurchases(BB, 6, 7)).toBe(0)
    let s = 0
    for (let x = 0; x <= 6; x++) s += bgbbProbabilityPurchases(BB, 6, x)
    expect(s).toBeCloseTo(1, 12)
  })

  it('simulation: parameters finite and > 0, counts whole numbers >= 0', () => {
    expect(() => simulateBgbb({ ...BB, alpha: Number.NaN }, 3, 6, 1)).toThrow(DataError)
    expect(() => simulateBgbb({ ...BB, gamma: -1 }, 3, 6, 1)).toThrow(DataError)
    expect(() => simulateBgbb(BB, 3, Number.NaN, 1)).toThrow(/opportunities/)
    expect(() => simulateBgbb(BB, 3, -6, 1)).toThrow(DataError)
    expect(() => simulateBgbb(BB, 3, 2.5, 1)).toThrow(DataError)
    expect(() => simulateBgbb(BB, -3, 6, 1)).toThrow(/customers/)
    expect(() => simulateBgbb(BB, 3, 6, 1, Number.NaN)).toThrow(/holdout/)
    expect(simulateBgbb(BB, 3, 6, 1).x.length).toBe(3)
  })
})

describe('sBG rejects invalid arguments with DataError (audit item 11)', () => {
  const REG = { lost: [369, 163, 86, 56, 37, 27, 21], alive: 241 }
  it('survival and churn: periods are whole numbers >= 0', () => {
    for (const t of [Number.NaN, -1, 2.5, Number.POSITIVE_INFINITY]) {
      expect(() => sbgSurvival(SR, t)).toThrow(DataError)
      expect(() => sbgChurnProbability(SR, t)).toThrow(DataError)
    }
    expect(sbgSurvival(SR, 0)).toBe(1)
    // period 0 is the acquisition: nobody churns in it
    expect(sbgChurnProbability(SR, 0)).toBe(0)
  })

  it('retention rate r(t) = S(t)/S(t-1) needs t >= 1 and stays in (0, 1)', () => {
    for (const t of [Number.NaN, -5, 0, 2.5]) {
      expect(() => sbgRetentionRate(SR, t)).toThrow(DataError)
    }
    expect(() => sbgRetentionRate(SR, 0)).toThrow(/>= 1/)
    expect(sbgRetentionRate(SR, 1)).toBeCloseTo(sbgSurvival(SR, 1), 15)
    expect(sbgRetentionRate(SR, 3)).toBeCloseTo(sbgSurvival(SR, 3) / sbgSurvival(SR, 2), 14)
  })

  it('DERL: renewals are a whole number >= 0', () => {
    for (const n of [Number.NaN, -1, 2.5]) {
      expect(() => sbgDiscountedResidualLifetime(SR, 0.1, n)).toThrow(DataError)
    }
  })

  it('log-likelihood, gradient and fit: parameters finite and > 0, counts finite and >= 0', () => {
    for (const alpha of [Number.NaN, -1, 0]) {
      expect(() => sbgLogLikelihood({ ...SR, alpha }, REG)).toThrow(DataError)
      expect(() => sbgGradient({ ...SR, alpha }, REG)).toThrow(DataError)
    }
    for (const c of [
      { lost: [Number.NaN, 3], alive: 5 },
      { lost: [-3, 3], alive: 5 },
      { lost: [3, 3], alive: -1 },
      { lost: [3, 3], alive: Number.NaN },
      { lost: [3, Number.POSITIVE_INFINITY], alive: 5 },
    ]) {
      expect(() => sbgLogLikelihood(SR, c)).toThrow(DataError)
      expect(() => fitSbg(c)).toThrow(DataError)
    }
    expect(() => sbgLogLikelihood(SR, { lost: [-3, 3], alive: 5 })).toThrow(/lost\[0\]/)
    expect(Number.isFinite(sbgLogLikelihood(SR, REG))).toBe(true)
  })

  it('simulation: parameters finite and > 0, counts whole numbers >= 0', () => {
    expect(() => simulateSbg({ ...SR, alpha: Number.NaN }, 3, 5, 1)).toThrow(DataError)
    expect(() => simulateSbg(SR, -3, 5, 1)).toThrow(/customers/)
    expect(() => simulateSbg(SR, 3, Number.NaN, 1)).toThrow(/periods/)
    expect(simulateSbg(SR, 3, 5, 1).lost.length).toBe(5)
  })
})
