// BG/BB expected transactions in the next n* opportunities against mpmath
// (scripts/fixtures/bgbb_expected.py): the alive count summed in logs (a head of e^3360 times an
// alive count of e^-3360 was ∞ · 0 = NaN) and telescoped without the closed form's difference of
// exponentials (8e-5 off at γ = 1 + 1e-5).
import { describe, expect, it } from 'vitest'
import {
  type BgbbParams,
  bgbbExpectedPurchases,
  bgbbExpectedPurchasesNew,
} from '../../src/core/models/bgbb.ts'
import { type BgbbCase, fixtureJson } from './fixtures.ts'

interface Case extends BgbbCase {
  nStar: number
  expected: string
  log: string
}
interface Fx {
  cases: Case[]
  news: { params: BgbbParams; n: number; expected: string }[]
}
const fx = fixtureJson<Fx>('bgbb_expected.json')
const TOL = 5e-12
// parameters of a million: the head's log-betas of size 1e7 keep ~1e-9 of their difference
const tolOf = (p: BgbbParams): number => (p.alpha >= 1e6 ? 2e-9 : TOL)

describe('bgbbExpectedPurchases', () => {
  it('matches mpmath to 5e-12, including γ next to 1 and below it and n* up to a million', () => {
    let worst = 0
    for (const c of fx.cases) {
      const got = bgbbExpectedPurchases(c.params, c.nStar, c.x, c.tx, c.n)
      const want = Number(c.expected)
      if (Number(c.log) < -740) {
        // below the double range: 0 (or a subnormal), never NaN
        expect(got, JSON.stringify(c)).toBeLessThan(1e-300)
        expect(got).toBeGreaterThanOrEqual(0)
        continue
      }
      const err = Math.abs(got / want - 1)
      if (c.params.alpha < 1e6) worst = Math.max(worst, err)
      expect(err, JSON.stringify({ ...c, got })).toBeLessThan(tolOf(c.params))
    }
    expect(worst).toBeLessThan(TOL)
  })

  it('the audit cases: a finite answer where e^head overflowed, and γ = 1 + 1e-5', () => {
    const big = { alpha: 1e-3, beta: 1e3, gamma: 1e3, delta: 1e-3 }
    expect(bgbbExpectedPurchases(big, 1, 1e4, 1e4, 1e4)).toBeCloseTo(0.82645, 5)
    const near1 = { alpha: 1.2, beta: 0.75, gamma: 1 + 1e-5, delta: 2.8 }
    const want = Number(
      fx.cases.find(
        (c) => c.params.gamma === near1.gamma && c.x === 1e4 && c.n === 1e4 && c.nStar === 100,
      )?.expected,
    )
    expect(bgbbExpectedPurchases(near1, 100, 1e4, 1e4, 1e4) / want - 1).toBeLessThan(TOL)
  })
})

describe('bgbbExpectedPurchasesNew', () => {
  it('matches mpmath', () => {
    for (const c of fx.news) {
      const got = bgbbExpectedPurchasesNew(c.params, c.n)
      const err = Math.abs(got / Number(c.expected) - 1)
      expect(err, JSON.stringify({ ...c, got })).toBeLessThan(tolOf(c.params))
    }
  })
})
