// BG/NBD and MBG/NBD where double-precision formulas cancel (tails below 1e-16, tiny t or
// parameters, a next to 1) against mpmath references (scripts/fixtures/bg_audit.py), and the
// DataError every invalid argument gets (items 2-4, 10 and 11 of the model audit).
import { describe, expect, it } from 'vitest'
import { compressHistories } from '../../src/core/compress.ts'
import type { BgParams } from '../../src/core/models/bg-family.ts'
import { bgnbd } from '../../src/core/models/bgnbd.ts'
import { mbgnbd } from '../../src/core/models/mbgnbd.ts'
import type { Histories } from '../../src/core/models/types.ts'
import { logBetaIncReg } from '../../src/core/special.ts'
import { DataError } from '../../src/errors.ts'
import { fixtureJson, oneHistory } from './fixtures.ts'

interface Fixture {
  params: Record<string, BgParams>
  pmf: { model: Name; params: string; n: number; t: number; value: number; log: number | null }[]
  newExp: { model: Name; params: string; t: number; value: number }[]
  condExp: {
    model: Name
    params: string
    t: number
    x: number
    tx: number
    T: number
    value: number
  }[]
}
type Name = 'bgnbd' | 'mbgnbd'
const fx = fixtureJson<Fixture>('bg_audit.json')
const models = { bgnbd, mbgnbd }
const BG = fx.params.pubBG!
const MBG = fx.params.pubMBG!
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b)

/** The cases whose relative error exceeds tol, with what was got (empty when all pass). */
function misses<C extends { value: number }>(cases: C[], got: (c: C) => number, tol: number) {
  return cases.map((c) => ({ ...c, got: got(c) })).filter((c) => !(rel(c.got, c.value) <= tol))
}

describe('P(X(t) = n) takes the NBD tail from the incomplete beta (audit item 3)', () => {
  it('matches mpmath to 5e-12 wherever the value is a normal double, for every parameter set', () => {
    // (values down to 1e-300 carry ~1e-13 from the rounding of their log)
    const normal = fx.pmf.filter((c) => c.value > 1e-300)
    expect(normal.length).toBeGreaterThan(500)
    const bad = misses(
      normal,
      (c) => models[c.model].probabilityOfPurchases(fx.params[c.params]!, c.n, c.t),
      5e-12,
    )
    expect(bad).toEqual([])
  })

  it('gives 0, not a stray 1e-18, where the true value is below the double range', () => {
    for (const c of fx.pmf.filter((e) => !(e.value > 1e-300))) {
      expect(models[c.model].probabilityOfPurchases(fx.params[c.params]!, c.n, c.t)).toBeLessThan(
        1e-290,
      )
    }
  })

  it('the published estimates at n = 300, t = 39 (the 1 - sum form was 14 % off)', () => {
    expect(rel(bgnbd.probabilityOfPurchases(BG, 300, 39), 4.747970492564851e-19)).toBeLessThan(
      1e-12,
    )
    expect(rel(mbgnbd.probabilityOfPurchases(MBG, 300, 39), 8.696738753861491e-24)).toBeLessThan(
      1e-12,
    )
  })

  it('sums to 1 over n, and t = ∞ is the lifetime distribution E[p (1-p)^(n+k-1)]', () => {
    for (const m of [bgnbd, mbgnbd]) {
      let s = 0
      for (let n = 0; n < 3000; n++) s += m.probabilityOfPurchases(BG, n, 39)
      expect(Math.abs(s - 1)).toBeLessThan(1e-12)
    }
    const { a, b } = BG
    expect(bgnbd.probabilityOfPurchases(BG, 0, Number.POSITIVE_INFINITY)).toBe(0)
    expect(
      rel(bgnbd.probabilityOfPurchases(BG, 1, Number.POSITIVE_INFINITY), a / (a + b)),
    ).toBeLessThan(1e-14)
    expect(
      rel(mbgnbd.probabilityOfPurchases(BG, 0, Number.POSITIVE_INFINITY), a / (a + b)),
    ).toBeLessThan(1e-14)
  })

  it('logBetaIncReg: I_x(a, b) in the body, both tails and at the ends', () => {
    expect(rel(Math.exp(logBetaIncReg(2, 3, 0.5)), 0.6875)).toBeLessThan(1e-15)
    // I_x(1, b) = 1 - (1-x)^b; I_x(a, 1) = x^a
    expect(rel(Math.exp(logBetaIncReg(1, 0.25, 0.9)), 1 - 0.1 ** 0.25)).toBeLessThan(1e-14)
    expect(rel(logBetaIncReg(50, 1, 1e-6), 50 * Math.log(1e-6))).toBeLessThan(1e-14)
    expect(rel(Math.exp(logBetaIncReg(3, 1, 0.999)), 0.999 ** 3)).toBeLessThan(1e-14)
    expect(logBetaIncReg(2, 3, 0)).toBe(Number.NEGATIVE_INFINITY)
    expect(logBetaIncReg(2, 3, 1)).toBe(0)
    expect(() => logBetaIncReg(0, 3, 0.5)).toThrow()
    expect(() => logBetaIncReg(2, 3, Number.NaN)).toThrow()
  })
})

describe('E[X(t)] and E[Y(t) | x, t_x, T] near a = 1 and for tiny t or parameters (items 2, 4)', () => {
  it('E[X(t)] matches mpmath to 1e-10 for every parameter set and t from 1e-9 to 1e5', () => {
    const bad = misses(
      fx.newExp,
      (c) => models[c.model].expectedPurchasesNew(fx.params[c.params]!, c.t),
      1e-10,
    )
    expect(bad).toEqual([])
  })

  it('E[Y(t) | x, t_x, T] matches mpmath to 1e-10 (x = 2.5 and t_x = 0 with x > 0 included)', () => {
    const bad = misses(
      fx.condExp,
      (c) => models[c.model].expectedPurchases(fx.params[c.params]!, c.t, c.x, c.tx, c.T),
      1e-10,
    )
    expect(bad).toEqual([])
  })

  it('the audit examples: a = 1.000003 at t = 1e-6 (was 4.4e-4 off), tiny parameters (0.42)', () => {
    const near = { r: 0.5, alpha: 3, a: 1.000003, b: 2 }
    expect(rel(bgnbd.expectedPurchasesNew(near, 1e-6), 1.6666665277775193e-7)).toBeLessThan(1e-12)
    const tiny = fx.params.tiny!
    expect(rel(bgnbd.expectedPurchasesNew(tiny, 1e-6), 9.999999999999999e-14)).toBeLessThan(1e-12)
    expect(rel(bgnbd.expectedPurchases(tiny, 1, 0, 0, 38.86), 9.961290424910237e-8)).toBeLessThan(
      1e-12,
    )
  })

  it('scoreAll agrees with mpmath too (it caches E[Y] per (x, T) and scores a row at a time)', () => {
    for (const name of ['aOne', 'aNear1', 'tiny'] as const) {
      for (const model of ['bgnbd', 'mbgnbd'] as const) {
        const cases = fx.condExp.filter((c) => c.params === name && c.model === model && c.t === 52)
        const s = models[model].scoreAll(
          fx.params[name]!,
          { x: cases.map((c) => c.x), tx: cases.map((c) => c.tx), T: cases.map((c) => c.T) },
          52,
        )
        expect(misses(cases, (c) => s.expected[cases.indexOf(c)]!, 1e-10)).toEqual([])
      }
    }
  })
})

describe('invalid arguments are a DataError, never NaN, 0 or a hang (items 10, 11)', () => {
  const hand = oneHistory

  for (const [name, m, p] of [
    ['bgnbd', bgnbd, BG],
    ['mbgnbd', mbgnbd, MBG],
  ] as const) {
    it(`${name}: a time that is NaN or negative`, () => {
      for (const t of [Number.NaN, -1, Number.NEGATIVE_INFINITY]) {
        expect(() => m.probabilityOfPurchases(p, 1, t)).toThrow(DataError)
        expect(() => m.expectedPurchasesNew(p, t)).toThrow(DataError)
        expect(() => m.scoreAll(p, { x: [1], tx: [1], T: [2] }, t)).toThrow(DataError)
      }
      expect(() => m.probabilityOfPurchases(p, 1, -1)).toThrow(/t must be a number >= 0 \(got -1\)/)
    })

    it(`${name}: scoreAll with T = ∞ or x = ∞ in a history`, () => {
      expect(() => m.scoreAll(p, { x: [1], tx: [1], T: [Number.POSITIVE_INFINITY] }, 10)).toThrow(
        DataError,
      )
      expect(() => m.scoreAll(p, { x: [Number.POSITIVE_INFINITY], tx: [1], T: [2] }, 10)).toThrow(
        DataError,
      )
    })

    it(`${name}: log-likelihood of hand-built histories that compressHistories would refuse`, () => {
      const bad: Histories[] = [
        hand(Number.NaN, 1, 2),
        hand(-1, 1, 2),
        hand(1, 3, 2),
        hand(1, 1, Number.POSITIVE_INFINITY),
        hand(1, 1, Number.NaN),
        hand(1, -1, 2),
        hand(1, 1, 2, Number.NaN),
        hand(1, 1, 2, -1),
        { ...hand(1, 1, 2), T: new Float64Array(0) },
      ]
      for (const h of bad) {
        expect(() => m.logLikelihood(p, h)).toThrow(DataError)
        expect(() => m.logLikelihoodPerHistory(p, h)).toThrow(DataError)
        expect(() => m.gradient(p, h)).toThrow(DataError)
      }
      expect(() => m.logLikelihood(p, hand(-1, 1, 2))).toThrow(/history 1: .*x=-1/)
    })

    it(`${name}: simulate with a bad customer count, horizon or resolution`, () => {
      for (const n of [-3, 2.5, Number.NaN]) expect(() => m.simulate(p, n, 5, 1)).toThrow(DataError)
      for (const T of [Number.NaN, -5, Number.POSITIVE_INFINITY]) {
        expect(() => m.simulate(p, 3, T, 1)).toThrow(DataError)
        expect(() => m.simulate(p, 2, [5, T], 1)).toThrow(DataError)
      }
      expect(() => m.simulate(p, 3, [5, 5], 1)).toThrow(DataError)
      expect(() => m.simulate(p, 3, 5, 1, Number.NaN)).toThrow(DataError)
      expect(() => m.simulate(p, 3, 5, 1, -1)).toThrow(DataError)
      expect(m.simulate(p, 0, 5, 1).x.length).toBe(0)
    })

    it(`${name}: x > 0 with t_x = 0 and non-integer x stay valid in the purchase models`, () => {
      expect(m.probabilityAlive(p, 2, 0, 5)).toBeGreaterThan(0)
      expect(m.expectedPurchases(p, 10, 2.5, 1, 2)).toBeGreaterThan(0)
      const h = compressHistories([2, 2.5, 0], [0, 1, 0], [5, 2, 3])
      expect(Number.isFinite(m.logLikelihood(p, h))).toBe(true)
      expect(m.scoreAll(p, { x: [2, 2.5], tx: [0, 1], T: [5, 2] }, 10).expected[1]).toBeGreaterThan(
        0,
      )
    })
  }
})
