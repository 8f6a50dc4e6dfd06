// sBG retention rates and P(alive ahead) against mpmath (scripts/fixtures/sbg_precision.py): the
// whole number added before a tiny β (β + t - 1 rounded β = 1e-9 to 1.00000008e-9), and P(alive)
// as a product of retention rates rather than a difference of two log-betas (2e-9 off at
// α = β = 1e8).
import { describe, expect, it } from 'vitest'
import {
  sbgExpectedPurchases,
  sbgProbabilityAlive,
  sbgProbabilityAnyPurchase,
  sbgRetentionRate,
} from '../../src/core/models/sbg.ts'
import { fixtureJson } from './fixtures.ts'

interface Fx {
  alive: { alpha: number; beta: number; renewals: number; ahead: number; p: string }[]
  rates: { alpha: number; beta: number; t: number; r: string }[]
  expected: { alpha: number; beta: number; renewals: number; periods: number; e: string }[]
}
const fx = fixtureJson<Fx>('sbg_precision.json')
const rel = (got: number, want: string): number => Math.abs(got / Number(want) - 1)

describe('sBG at tiny and huge parameters', () => {
  it('retention rates and P(any renewal) to 1e-15', () => {
    for (const c of fx.rates) {
      const p = { alpha: c.alpha, beta: c.beta }
      expect(rel(sbgRetentionRate(p, c.t), c.r), JSON.stringify(c)).toBeLessThan(1e-15)
      const any = sbgProbabilityAnyPurchase(p, c.t - 1, 1)
      expect(rel(any, c.r), JSON.stringify(c)).toBeLessThan(1e-15)
    }
  })

  it('P(alive) some periods ahead to 1e-12', () => {
    for (const c of fx.alive) {
      const got = sbgProbabilityAlive({ alpha: c.alpha, beta: c.beta }, c.renewals, c.ahead)
      if (!(Number(c.p) > 1e-300)) {
        expect(got >= 0 && got < 1e-300, JSON.stringify({ ...c, got })).toBe(true)
        continue
      }
      expect(rel(got, c.p), JSON.stringify({ ...c, got })).toBeLessThan(1e-12)
    }
  })

  it('expected renewals to 1e-12', () => {
    for (const c of fx.expected) {
      const got = sbgExpectedPurchases({ alpha: c.alpha, beta: c.beta }, c.renewals, c.periods)
      expect(rel(got, c.e), JSON.stringify({ ...c, got })).toBeLessThan(1e-12)
    }
  })
})
