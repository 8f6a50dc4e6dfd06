// BG/BB P(at least one transaction in the next k opportunities) against mpmath
// (scripts/fixtures/bgbb_any_purchase.py): a sum of positive terms, where P(alive) - P(alive and
// none) lost 8e-4 of a 1e-12 answer and could fall as k grew.
import { describe, expect, it } from 'vitest'
import { bgbbProbabilityAnyPurchase } from '../../src/core/models/bgbb.ts'
import { type BgbbCase, fixtureJson } from './fixtures.ts'

interface Case extends BgbbCase {
  k: number
  p: string
}
const fx = fixtureJson<{ cases: Case[] }>('bgbb_any_purchase.json')

describe('bgbbProbabilityAnyPurchase', () => {
  // 5e-11: at n = 1e4 the history's likelihood, a sum of 1e4 beta terms, keeps ~1e-11 itself
  it('matches mpmath to 5e-11 relative, however small the answer', () => {
    for (const c of fx.cases) {
      const got = bgbbProbabilityAnyPurchase(c.params, c.k, c.x, c.tx, c.n)
      const want = Number(c.p)
      if (!(want > 1e-300)) {
        // below the double range: 0 (or a subnormal), never NaN
        expect(got >= 0 && got < 1e-300, JSON.stringify({ ...c, got })).toBe(true)
        continue
      }
      expect(Math.abs(got / want - 1), JSON.stringify({ ...c, got })).toBeLessThan(5e-11)
    }
  })

  it('never falls as the window grows', () => {
    const seen = new Map<string, number>()
    for (const c of fx.cases) {
      const key = JSON.stringify([c.params, c.x, c.tx, c.n])
      const got = bgbbProbabilityAnyPurchase(c.params, c.k, c.x, c.tx, c.n)
      expect(got).toBeGreaterThanOrEqual(seen.get(key) ?? 0)
      seen.set(key, got)
    }
    const p = { alpha: 1e-3, beta: 1e3, gamma: 1e3, delta: 1e-3 }
    let last = 0
    for (let k = 1; k <= 50; k++) {
      const v = bgbbProbabilityAnyPurchase(p, k, 0, 0, 0)
      expect(v).toBeGreaterThanOrEqual(last)
      last = v
    }
  })
})
