import { describe, expect, it } from 'vitest'
import { fixtureJson } from '../../test/models/fixtures.ts'
import { DataError } from '../errors.ts'
import {
  discountedContinuous,
  discountedSteps,
  discountRatePerUnit,
  expIntegralScaled,
  paretoDiscountedAlive,
  scoreClv,
} from './clv.ts'

interface Fx {
  h: { s: number; z: number; value: number }[]
  delta: number
  pareto: {
    params: number[]
    cases: { x: number; tx: number; T: number; pAlive: number; det52: number; detInf: number }[]
  }
  bgnbd: {
    params: number[]
    cases: { x: number; tx: number; T: number; expected52: number; det52Steps: number }[]
  }
}
const fx = fixtureJson<Fx>('clv.json')
const rel = (a: number, b: number) => Math.abs(a / b - 1)
const [r, alpha, s, beta] = fx.pareto.params as [number, number, number, number]
const [br, balpha, a, b] = fx.bgnbd.params as [number, number, number, number]
const cols = <T extends { x: number; tx: number; T: number }>(cs: T[]) => ({
  x: Float64Array.from(cs, (c) => c.x),
  tx: Float64Array.from(cs, (c) => c.tx),
  T: Float64Array.from(cs, (c) => c.T),
})

describe('expIntegralScaled: e^z E_s(z) = U(1, 2-s, z)', () => {
  it('matches mpmath on a grid of s and z (series, continued fraction, quadrature)', () => {
    for (const c of fx.h) {
      const v = expIntegralScaled(c.s, c.z)
      expect(rel(v, c.value)).toBeLessThan(1e-11)
    }
  })
  it('is continuous across the branch boundaries', () => {
    expect(rel(expIntegralScaled(0.6, 1 - 1e-12), expIntegralScaled(0.6, 1))).toBeLessThan(1e-11)
    expect(
      rel(expIntegralScaled(2 - 1.0001e-3, 0.3), expIntegralScaled(2 - 0.9999e-3, 0.3)),
    ).toBeLessThan(1e-6)
  })
  it('rejects non-positive arguments with a typed error', () => {
    expect(() => expIntegralScaled(0.5, 0)).toThrow(DataError)
  })
})

describe('discounting conventions', () => {
  it('10 % a year is δ = ln(1.1)/52.18 per week', () => {
    expect(discountRatePerUnit(0.1, 365.25 / 7)).toBeCloseTo(fx.delta, 15)
  })
  it('steps converge to the continuous integral as the step shrinks', () => {
    const f = (t: number) => Math.sqrt(t) * 2
    const c = discountedContinuous(f, 52, 0.01)
    const s1 = discountedSteps(f, 52, 1, 0.01)
    const s01 = discountedSteps(f, 52, 0.01, 0.01)
    expect(rel(s01, c)).toBeLessThan(1e-4)
    expect(s1).toBeLessThan(c) // end-of-step discounting counts purchases later
    expect(rel(s1, c)).toBeLessThan(0.01)
  })
  it('without discounting, DET over H is E(H)', () => {
    const f = (t: number) => 1 - Math.exp(-t / 10)
    expect(discountedSteps(f, 52, 1, 0)).toBeCloseTo(f(52), 14)
    expect(discountedContinuous(f, 52, 0)).toBeCloseTo(f(52), 14)
  })
  it('Pareto/NBD closed form equals the direct integral', () => {
    const B = 50
    const ds = 0.0018
    const direct = discountedContinuous((t) => paretoDiscountedAlive(s, B, 0, t), 52, ds)
    expect(rel(paretoDiscountedAlive(s, B, ds, 52), direct)).toBeLessThan(1e-9)
    const directInf = discountedContinuous((t) => paretoDiscountedAlive(s, B, 0, t), Infinity, ds)
    expect(rel(paretoDiscountedAlive(s, B, ds, Infinity), directInf)).toBeLessThan(1e-7)
  })
})

describe('scoreClv', () => {
  it('Pareto/NBD DET over 52 weeks and to infinity match mpmath (FHL 2005 eq. 2)', () => {
    const h = cols(fx.pareto.cases)
    const params = { r, alpha, s, beta }
    const d52 = scoreClv({ model: 'pareto', params }, h, 1, { horizon: 52 })
    const dInf = scoreClv({ model: 'pareto', params }, h, 1, { horizon: Infinity })
    // the default horizon is one year in whole units: 52 weeks, 12 months (as the CLI's)
    const byDefault = scoreClv({ model: 'pareto', params }, h, 1)
    expect(byDefault.horizon).toBe(52)
    expect(Array.from(byDefault.discountedPurchases)).toEqual(Array.from(d52.discountedPurchases))
    expect(scoreClv({ model: 'pareto', params }, h, 1, { unitsPerYear: 12 }).horizon).toBe(12)
    fx.pareto.cases.forEach((c, i) => {
      expect(d52.pAlive[i]).toBeCloseTo(c.pAlive, 9)
      expect(rel(d52.discountedPurchases[i]!, c.det52)).toBeLessThan(1e-8)
      expect(rel(dInf.discountedPurchases[i]!, c.detInf)).toBeLessThan(1e-8)
    })
    expect(d52.method).toBe('continuous')
  })

  it('BG/NBD weekly-step DET over 52 weeks matches mpmath', () => {
    const h = cols(fx.bgnbd.cases)
    const res = scoreClv({ model: 'bgnbd', params: { r: br, alpha: balpha, a, b } }, h, 1, {
      horizon: 52,
    })
    fx.bgnbd.cases.forEach((c, i) => {
      expect(rel(res.expectedPurchases[i]!, c.expected52)).toBeLessThan(1e-9)
      expect(rel(res.discountedPurchases[i]!, c.det52Steps)).toBeLessThan(1e-9)
    })
    expect(res.method).toBe('steps')
  })

  it('value is DET × spend × margin, finite for extreme customers', () => {
    const h = { x: [0, 0, 300, 2], tx: [0, 0, 519, 1], T: [0, 1e-9, 520, 520] }
    const spend = [10, 10, 50, 20]
    const res = scoreClv({ model: 'bgnbd', params: { r: br, alpha: balpha, a, b } }, h, spend, {
      margin: 0.25,
    })
    for (let i = 0; i < 4; i++) {
      expect(Number.isFinite(res.value[i]!)).toBe(true)
      expect(res.value[i]).toBeCloseTo(res.discountedPurchases[i]! * spend[i]! * 0.25, 12)
    }
    const life = scoreClv({ model: 'mbgnbd', params: { r: br, alpha: balpha, a, b } }, h, spend, {
      horizon: Infinity,
    })
    for (let i = 0; i < 4; i++) {
      expect(Number.isFinite(life.value[i]!)).toBe(true)
      expect(life.discountedPurchases[i]!).toBeGreaterThan(res.discountedPurchases[i]!)
    }
  })

  it('lifetime DET for BG/NBD agrees with a long horizon of weekly steps', () => {
    const h = cols(fx.bgnbd.cases.slice(0, 2))
    const m = { model: 'bgnbd' as const, params: { r: br, alpha: balpha, a, b } }
    const inf = scoreClv(m, h, 1, { horizon: Infinity, annualDiscountRate: 0.5 })
    const long = scoreClv(m, h, 1, { horizon: 3000, annualDiscountRate: 0.5, method: 'continuous' })
    for (let i = 0; i < 2; i++) {
      expect(rel(inf.discountedPurchases[i]!, long.discountedPurchases[i]!)).toBeLessThan(1e-6)
    }
  })

  it('rejects an infinite horizon without discounting', () => {
    const m = { model: 'pareto' as const, params: { r, alpha, s, beta } }
    expect(() =>
      scoreClv(m, { x: [1], tx: [1], T: [2] }, 1, { horizon: Infinity, annualDiscountRate: 0 }),
    ).toThrow(DataError)
  })
})
