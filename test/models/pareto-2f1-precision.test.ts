// Pareto/NBD on its 2F1 path (s < 3, or β <= α) against mpmath: the mean wait to the next purchase
// (once ∫(A+τ)f/∫f - A: up to 8e-2 off at a million purchases, 2.7e-4 with s = 8815 and β < α),
// P(a purchase within a window) (once 1 - a ratio of two tails: 1e-6 off at 0.001) and E[X(t)]
// where P(alive) underflows (NaN at t = ∞ with s <= 1, 0 at t = 1e300 for 4e-54).
// References: scripts/fixtures/pareto_2f1_precision.py ->
// test/fixtures/models/pareto_2f1_precision.json.
import { describe, expect, it } from 'vitest'
import { type ParetoParams, paretoNbd } from '../../src/core/models/pareto-nbd.ts'
import { fixtureJson, type ParetoCase } from './fixtures.ts'

type Value = number | 'Infinity'
interface History extends ParetoCase {
  expected: Value[]
}
interface Case extends History {
  alive: number
  anyAlive: number[]
  everAlive: number
  mean: number | null
}
const fx = fixtureJson<{
  windows: number[]
  horizons: Value[]
  cases: Case[]
  underflowHorizons: Value[]
  underflow: History[]
}>('pareto_2f1_precision.json')
const params = (c: History): ParetoParams => ({ r: c.r, alpha: c.alpha, s: c.s, beta: c.beta })
const num = (v: Value): number => (v === 'Infinity' ? Number.POSITIVE_INFINITY : v)
const label = (c: History): string =>
  `r=${c.r} alpha=${c.alpha} s=${c.s} beta=${c.beta} x=${c.x} tx=${c.tx} T=${c.T}`
/** got within tol of want, relative; a reference at the doubles' floor wants one there too. */
const near = (got: number, want: number, tol: number): boolean =>
  want < 1e-290
    ? got >= 0 && got < 1e-290
    : want === Number.POSITIVE_INFINITY
      ? got === want
      : Math.abs(got - want) / want < tol
/**
 * Tolerance of a value that carries P(alive). At a million purchases with t_x < T, P(alive)'s own
 * 2F1 path forms log(G(t_x) - G(T)) from logs holding (r+x) log(α+t) ~ 5e6, whose rounding leaves
 * it 2.3e-9 off: its floor, not the functions tested here (their parts given alive pass 1e-13).
 */
const tolAlive = (c: History): number => (c.x >= 1e6 && c.tx < c.T ? 5e-9 : 1e-11)

describe('Pareto/NBD on the 2F1 path (mpmath)', () => {
  it('gives the mean wait to the next purchase to 1e-13, up to a million purchases', () => {
    const bad: string[] = []
    for (const c of fx.cases) {
      if (c.mean === null) continue
      const got = paretoNbd.expectedNextPurchaseTime(params(c), c.x, c.tx, c.T).mean as number
      if (!near(got, c.mean, 1e-13)) bad.push(`${label(c)}: ${got} vs ${c.mean}`)
    }
    expect(bad).toEqual([])
    // the cases are on the 2F1 path, s >= 3 (with β <= α) among them, and reach a million
    expect(fx.cases.every((c) => c.s < 3 || c.beta <= c.alpha)).toBe(true)
    expect(fx.cases.some((c) => c.s >= 3)).toBe(true)
    expect(fx.cases.some((c) => c.x >= 1e6 && c.mean !== null)).toBe(true)
  })

  it('gives P(a purchase within 0.001 to 1e4 periods, and ever | alive) to 1e-13', () => {
    const bad: string[] = []
    const windows = [...fx.windows, Number.POSITIVE_INFINITY]
    for (const c of fx.cases) {
      const wants = [...c.anyAlive, c.everAlive]
      windows.forEach((w, i) => {
        // t_x = T: alive for certain, so the answer is the part given alive
        const got = paretoNbd.probabilityAnyPurchase(params(c), w, c.x, c.T, c.T)
        if (!near(got, wants[i]!, 1e-13)) bad.push(`${label(c)} window ${w}: ${got} vs ${wants[i]}`)
      })
    }
    expect(bad).toEqual([])
  })

  it('gives P(a purchase within a window) for each history to 1e-11 (5e-9: see tolAlive)', () => {
    const bad: string[] = []
    const windows = [...fx.windows, Number.POSITIVE_INFINITY]
    for (const c of fx.cases) {
      const wants = [...c.anyAlive, c.everAlive].map((v) => c.alive * v)
      windows.forEach((w, i) => {
        const got = paretoNbd.probabilityAnyPurchase(params(c), w, c.x, c.tx, c.T)
        if (!near(got, wants[i]!, tolAlive(c)))
          bad.push(`${label(c)} window ${w}: ${got} vs ${wants[i]}`)
      })
    }
    expect(bad).toEqual([])
  })

  it('gives E[X(t)], +Infinity at t = ∞ with s <= 1 however small P(alive) (never NaN)', () => {
    const bad: string[] = []
    const check = (c: History, horizons: Value[], tol: number): void => {
      const p = params(c)
      horizons.forEach((t, i) => {
        const want = num(c.expected[i]!)
        const one = paretoNbd.expectedPurchases(p, num(t), c.x, c.tx, c.T)
        const all = paretoNbd.scoreAll(p, { x: [c.x], tx: [c.tx], T: [c.T] }, num(t)).expected[0]!
        if (!near(one, want, tol)) bad.push(`${label(c)} t=${t}: ${one} vs ${want}`)
        if (!near(all, want, tol)) bad.push(`scoreAll ${label(c)} t=${t}: ${all} vs ${want}`)
      })
    }
    for (const c of fx.cases) check(c, fx.horizons, tolAlive(c))
    // P(alive) below the smallest double: E[X(∞)] infinite, E[X(1e300)] a representable number
    for (const c of fx.underflow) {
      expect(paretoNbd.probabilityAlive(params(c), c.x, c.tx, c.T)).toBe(0)
      check(c, fx.underflowHorizons, 1e-11)
    }
    expect(bad).toEqual([])
    expect(fx.underflow.some((c) => c.expected.some((v) => v !== 'Infinity' && v > 1e-300))).toBe(
      true,
    )
  })
})
