// BG/BB next transaction at large and mixed parameters (1e-3 .. 1e8) against mpmath
// (scripts/fixtures/bgbb_next_large.py). The sum's Euler-Maclaurin start grows like 50 (α+x+1+γ):
// summing every term up to it took 80 s and 7.6 GB a call at α = β = γ = δ = 1e7, and its tail
// came out NaN (∞ · 0) once the terms sat far below their power law (α = γ = 1e5, or γ = 1e3 with
// δ = 1e5).
import { describe, expect, it } from 'vitest'
import {
  type GammaRatioSeries,
  gammaRatioSeriesSplit,
  sumGammaRatioSeries,
} from '../../src/core/gamma-ratio-series.ts'
import { bgbbExpectedNextPurchase, bgbbProbabilityAnyPurchase } from '../../src/core/models/bgbb.ts'
import { type BgbbCase, fixtureJson } from './fixtures.ts'

interface Case extends BgbbCase {
  probability: string
  mean?: string
  median: number
}
const fx = fixtureJson<{ cases: Case[] }>('bgbb_next_large.json')
const rel = (a: number, b: number): number => Math.abs(a / b - 1)

describe('bgbbExpectedNextPurchase at large parameters', () => {
  // 1e-10: the probability's P(1) sums L's n - t_x + 1 terms, ~1e-13 each
  it('matches mpmath: probability and mean to 1e-10, the median exactly', () => {
    for (const c of fx.cases) {
      const r = bgbbExpectedNextPurchase(c.params, c.x, c.tx, c.n)
      const at = JSON.stringify({ ...c, got: r })
      const want = Number(c.probability)
      if (want > 1e-300) expect(rel(r.probability, want), at).toBeLessThan(1e-10)
      // below the double range: 0 (or a subnormal), never NaN
      else expect(r.probability >= 0 && r.probability < 1e-300, at).toBe(true)
      if (c.mean === undefined) expect(r.mean, at).toBeNull()
      else expect(rel(r.mean!, Number(c.mean)), at).toBeLessThan(1e-10)
      expect(r.median, at).toBe(c.median)
    }
  })

  it('is finite for every mix of parameters from 1e-3 to 1e8', () => {
    const grid = [1e-3, 1, 1e3, 1e5, 1e8]
    for (const alpha of grid)
      for (const beta of grid)
        for (const gamma of grid)
          for (const delta of grid)
            for (const [x, tx, n] of [
              [0, 0, 0],
              [2, 5, 9],
              [10000, 10000, 10000],
            ] as const) {
              const r = bgbbExpectedNextPurchase({ alpha, beta, gamma, delta }, x, tx, n)
              const at = JSON.stringify({ alpha, beta, gamma, delta, x, tx, n, r })
              expect(r.probability >= 0 && r.probability <= 1, at).toBe(true)
              expect(r.mean === null || (Number.isFinite(r.mean) && r.mean >= 1), at).toBe(true)
              expect(r.median === null || (Number.isInteger(r.median) && r.median >= 1), at).toBe(
                true,
              )
            }
  })

  it('agrees with P(any purchase in the next k) at the median and as k grows', () => {
    for (const c of fx.cases) {
      const r = bgbbExpectedNextPurchase(c.params, c.x, c.tx, c.n)
      if (!(r.probability > 1e-300)) continue
      const any = (k: number): number => bgbbProbabilityAnyPurchase(c.params, k, c.x, c.tx, c.n)
      const at = JSON.stringify(c)
      const m = r.median!
      expect(any(m), at).toBeGreaterThanOrEqual(r.probability / 2)
      if (m > 1) expect(any(m - 1), at).toBeLessThan(r.probability / 2)
      // a window of 1e6 holds all but 1e-10 of the chance once the terms fall like m^-10 or faster
      // (the power is α+x+1+γ) and the mean is well inside it
      if (c.params.alpha + c.x + c.params.gamma > 9 && r.mean !== null && r.mean < 1e4) {
        expect(rel(any(1e6), r.probability), at).toBeLessThan(1e-10)
      }
    }
  })

  it('sums a few thousand terms directly, not the 50 Σv the old Euler-Maclaurin start asked for', () => {
    // the shape of the 1e6 case's series (nextSeries: x = 3, n = 10): Σv = 2e6 + 4, so the old
    // start was 1e8 terms out; the terms count, not a clock, is what the fix changes
    const a = 1e6 + 3
    const series: GammaRatioSeries = {
      logC: 0,
      u: [1e6 + 7 - 1, 1e6 + 10],
      v: [a + 1, 1e6],
      kappa: 0,
      delta: 0,
      start: 1,
    }
    let direct = 0
    const sum = sumGammaRatioSeries(series, () => {
      direct++
    })
    expect(direct).toBeGreaterThan(0)
    expect(direct).toBeLessThan(10_000)
    expect(gammaRatioSeriesSplit(series)).toBeLessThan(1e8)
    // the first term is 1 and the next ones fall by ~1/4 each: the sum is a little above 4/3
    expect(sum).toBeGreaterThan(1)
    expect(sum).toBeLessThan(2)
  })
})
