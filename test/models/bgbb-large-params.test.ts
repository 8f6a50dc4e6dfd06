// BG/BB per-customer formulas and likelihood at parameters from 1e-3 to 1e8 and up to 1e4
// opportunities, against mpmath (scripts/fixtures/bgbb_large_params.py). As differences of
// log-betas (~1e9 each at α = β = 1e8) they kept ~1e-8 of the answer; the likelihood's sum over
// the opportunities since the last transaction was rebuilt term by term (O(n - t_x)).
import { describe, expect, it } from 'vitest'
import {
  type GammaRatioSeries,
  gammaRatioSeriesSplit,
  sumGammaRatioSeries,
} from '../../src/core/gamma-ratio-series.ts'
import {
  type BgbbParams,
  bgbbDiscountedResidualTransactions,
  bgbbExpectedPurchases,
  bgbbLogLikelihood,
  bgbbProbabilityAlive,
  bgbbProbabilityPurchases,
  goneSeries,
} from '../../src/core/models/bgbb.ts'
import { lgamma } from '../../src/core/special.ts'
import { type BgbbCase, fixtureJson, oneHistory } from './fixtures.ts'

interface Case extends BgbbCase {
  logL: string
  pAlive: string
  expected: Record<string, string>
  dert: string
}
interface Fx {
  cases: Case[]
  news: { params: BgbbParams; n: number; x: number; p: string }[]
}
const fx = fixtureJson<Fx>('bgbb_large_params.json')
const rel = (a: number, b: number): number => (a === b ? 0 : Math.abs(a / b - 1))
// An answer of e^-y comes from an exponent of size y, which double precision keeps to ~1e-16 · y
// at best (3.5e-162 has y = 371): 5e-14 plus 5e-16 of |log|.
const tolOf = (want: number): number => 5e-14 + 5e-16 * Math.abs(Math.log(want))

describe('BG/BB at large parameters and long histories', () => {
  it('log-likelihood of one history to 1e-14 of max(1, |log L|)', () => {
    // log L's error is L's relative error; below -1 it is that of a number of size |log L|
    for (const c of fx.cases) {
      const got = bgbbLogLikelihood(c.params, oneHistory(c.x, c.tx, c.n))
      const want = Number(c.logL)
      expect(Math.abs(got - want), JSON.stringify({ ...c, got })).toBeLessThan(
        1e-14 * Math.max(1, Math.abs(want)),
      )
    }
  })

  it('P(alive), expected transactions (n* up to 1e6) and DERT to 5e-14 + 5e-16 |log|', () => {
    for (const c of fx.cases) {
      const at = (what: string, got: number) => JSON.stringify({ ...c, what, got })
      const check = (what: string, got: number, want: number): void => {
        // below the double range: 0 (or a subnormal), never NaN
        if (want < 1e-300) expect(got >= 0 && got < 1e-300, at(what, got)).toBe(true)
        else expect(rel(got, want), at(what, got)).toBeLessThan(tolOf(want))
      }
      check('pAlive', bgbbProbabilityAlive(c.params, c.x, c.tx, c.n), Number(c.pAlive))
      for (const [k, v] of Object.entries(c.expected)) {
        check(`E[${k}]`, bgbbExpectedPurchases(c.params, Number(k), c.x, c.tx, c.n), Number(v))
      }
      check(
        'dert',
        bgbbDiscountedResidualTransactions(c.params, 0.1, c.x, c.tx, c.n),
        Number(c.dert),
      )
    }
  })

  it('P(X(n) = x) for a new customer', () => {
    // its log C(i, x) comes from lgamma(n+1) (82109 at n = 1e4), kept to ~1 ulp: 4e-16 of that
    // on top of the others' 5e-16 |log|
    for (const c of fx.news) {
      const got = bgbbProbabilityPurchases(c.params, c.n, c.x)
      const want = Number(c.p)
      const at = JSON.stringify({ ...c, got })
      if (want < 1e-300) expect(got >= 0 && got < 1e-300, at).toBe(true)
      else expect(rel(got, want), at).toBeLessThan(tolOf(want) + 4e-16 * lgamma(c.n + 1))
    }
  })

  it("sums the likelihood's 1e4 terms by a few hundred direct ones and Euler-Maclaurin", () => {
    // the shapes of the fixture's n - t_x = 1e4 histories: the direct part stops at the
    // Euler-Maclaurin start (or earlier, once the rest is negligible), not at the end
    for (const c of fx.cases) {
      if (c.n - c.tx < 1000) continue
      const { alpha, beta, gamma, delta } = c.params
      const s = goneSeries(alpha, beta, gamma, delta, c.x, c.tx)
      let direct = 0
      sumGammaRatioSeries(s, () => direct++, c.n - c.tx - 1)
      expect(direct, JSON.stringify(c)).toBeLessThan(Math.min(gammaRatioSeriesSplit(s) + 1, 1000))
    }
  })

  it('a finite end just past the Euler-Maclaurin start keeps the precision of a direct sum', () => {
    // tail(J) - tail(end+1) there was the difference of two nearly equal numbers: 2.4e-8 off at
    // end = J + 1 for α = 3, β = δ = 1e8 (terms falling by 6e-8 a step), 5e-9 at end = J for
    // α = γ = 1e-3, β = δ = 1e4; with terms falling like i^-1.002 the tails stay close however far
    // apart J and the end are
    const cases: BgbbParams[] = [
      { alpha: 1e-3, beta: 1e-3, gamma: 1e-3, delta: 1e-3 },
      { alpha: 1.2035, beta: 0.7497, gamma: 0.6567, delta: 2.7834 },
      { alpha: 3, beta: 1e8, gamma: 2, delta: 1e8 },
      { alpha: 1e-3, beta: 2, gamma: 5e-3, delta: 1e3 },
      { alpha: 1e-3, beta: 1e4, gamma: 1e-3, delta: 1e4 },
    ]
    const series: GammaRatioSeries[] = []
    for (const p of cases) {
      // goneSeries at x = t_x = 0, written out (f(i+1)/f(i) = (β+i)/(α+β+i) · (δ+i)/(γ+1+δ+i))
      const s: GammaRatioSeries = {
        logC: 0,
        u: [p.beta, p.delta],
        v: [p.alpha, p.gamma + 1],
        kappa: 0,
        delta: 0,
        start: 0,
      }
      const J = gammaRatioSeriesSplit(s)
      // the direct sum by the terms' exact ratio, in order: it drifts by ~1e-16 a term, so it is a
      // reference only this close to J (the mpmath cases above take n - t_x up to 1e4)
      const direct: number[] = []
      let t = 1
      let sum = 0
      for (let i = 0; i <= J + 100; i++) {
        sum += t
        direct.push(sum)
        t *= ((s.u[0]! + i) / (s.u[0]! + s.v[0]! + i)) * ((s.u[1]! + i) / (s.u[1]! + s.v[1]! + i))
      }
      for (const end of [J - 1, J, J + 1, J + 2, J + 5, J + 20, J + 100]) {
        const got = sumGammaRatioSeries(s, undefined, end)
        expect(rel(got, direct[end]!), JSON.stringify({ p, J, end })).toBeLessThan(1e-13)
      }
      series.push(s)
    }
    expect(series).toEqual(cases.map((p) => goneSeries(p.alpha, p.beta, p.gamma, p.delta, 0, 0)))
  })
})
