// sBG expected renewals over long windows and with α next to 1, and the log-gamma second
// difference behind them, against mpmath (scripts/fixtures/sbg_sums.py). The sum was a loop over
// the periods (0.2 s at 1e7); its closed form b/(α-1) (1 - ρ) needs log ρ to ~1e-16 of itself,
// which logGammaRatioStep lost when d + v was small against X (7e-5 at X = 1e12, d = 3, v = 2) or
// v tiny (4e-8 at v = 1e-12).
import { describe, expect, it } from 'vitest'
import { logGammaRatioStep } from '../../src/core/gamma-ratio-series.ts'
import { sbgExpectedPurchases } from '../../src/core/models/sbg.ts'
import { fixtureJson } from './fixtures.ts'

interface Fx {
  cases: { alpha: number; beta: number; renewals: number; periods: number; e: string }[]
  steps: { X: number; d: number; v: number; D: string }[]
}
const fx = fixtureJson<Fx>('sbg_sums.json')
const rel = (a: number, b: number): number => (a === b ? 0 : Math.abs(a / b - 1))

describe('sbgExpectedPurchases over long windows', () => {
  it('matches mpmath to 2e-14, α from 1e-3 to 1e8 (1 ± 1e-12 and 1 itself), periods to 1e7', () => {
    // 2e-14: the 64-term product drifts by ~64 ulp; the closed form is one second difference
    // (~1e-16 of itself) through expm1 and a division
    for (const c of fx.cases) {
      const got = sbgExpectedPurchases({ alpha: c.alpha, beta: c.beta }, c.renewals, c.periods)
      expect(rel(got, Number(c.e)), JSON.stringify({ ...c, got })).toBeLessThan(2e-14)
    }
  })
})

describe('logGammaRatioStep', () => {
  it('matches mpmath to 4e-15 of itself, X from 1e-9 to 1e150, d and v from 1e-12', () => {
    // 4e-15: Stirling's parts (or Taylor's terms) and the recurrence's log1p terms below X = 20
    // each round to ~1e-16 of themselves and add up to a few times the answer
    for (const c of fx.steps) {
      const got = logGammaRatioStep(c.X, c.d, c.v)
      const want = Number(c.D)
      expect(Math.abs(got - want), JSON.stringify({ ...c, got })).toBeLessThanOrEqual(
        4e-15 * Math.abs(want),
      )
    }
  })
})
