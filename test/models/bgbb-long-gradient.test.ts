// BG/BB's gradient over many opportunities (daily opportunities over a year): each row sums
// n - t_x terms, taken by recurrence (ratios and ψ(z+1) = ψ(z) + 1/z) instead of a log-beta and
// four digammas a term; the likelihood alone sums them by ratio up to 4,096 terms. Checked
// against mpmath (scripts/fixtures/bgbb_long.py) and central differences of the likelihood.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { compressHistories } from '../../src/core/compress.ts'
import {
  type BgbbParams,
  bgbbGradient,
  bgbbLogLikelihood,
  fitBgbb,
  simulateBgbb,
} from '../../src/core/models/bgbb.ts'

const NAMES = ['alpha', 'beta', 'gamma', 'delta'] as const

function centralDifference(p: BgbbParams, h: ReturnType<typeof compressHistories>): number[] {
  return NAMES.map((k) => {
    const e = 1e-5 * p[k]
    const up = bgbbLogLikelihood({ ...p, [k]: p[k] + e }, h)
    const down = bgbbLogLikelihood({ ...p, [k]: p[k] - e }, h)
    return (up - down) / (2 * e)
  })
}

describe('BG/BB gradient over hundreds of opportunities', () => {
  interface Case {
    params: [number, number, number, number]
    x: number
    tx: number
    n: number
    logLikelihood: number
    gradient?: number[]
  }
  const fixture = JSON.parse(
    readFileSync(new URL('../fixtures/models/bgbb-long.json', import.meta.url), 'utf8'),
  ) as { cases: Case[] }

  it('log-likelihood rows and gradients agree with mpmath up to 4,096 opportunities', () => {
    for (const c of fixture.cases) {
      const [alpha, beta, gamma, delta] = c.params
      const p = { alpha, beta, gamma, delta }
      const h = compressHistories([c.x], [c.tx], [c.n])
      const ll = bgbbLogLikelihood(p, h)
      expect(Math.abs(ll - c.logLikelihood)).toBeLessThan(
        1e-13 * Math.max(1, Math.abs(c.logLikelihood)),
      )
      if (c.gradient) {
        bgbbGradient(p, h).forEach((v, i) => {
          const want = c.gradient?.[i] as number
          expect(Math.abs(v - want)).toBeLessThan(1e-10 * Math.max(1, Math.abs(want)))
        })
      }
    }
  })

  const cases: [string, BgbbParams][] = [
    ['the donations estimates', { alpha: 1.2, beta: 0.75, gamma: 0.66, delta: 2.8 }],
    ['rare transactions, slow dropout', { alpha: 0.3, beta: 20, gamma: 0.4, delta: 150 }],
    ['large, tight parameters', { alpha: 40, beta: 300, gamma: 30, delta: 5000 }],
  ]
  for (const [name, p] of cases) {
    it(`matches central differences of the likelihood: ${name}`, () => {
      const sim = simulateBgbb(p, 2000, 365, 7)
      const h = compressHistories(sim.x, sim.tx, sim.n)
      // at a point away from the simulated truth, where the gradient is far from 0
      const at = {
        alpha: p.alpha * 1.3,
        beta: p.beta * 0.8,
        gamma: p.gamma * 0.7,
        delta: p.delta * 1.2,
      }
      const g = bgbbGradient(at, h)
      const num = centralDifference(at, h)
      g.forEach((v, i) => {
        expect(Math.abs(v - num[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(num[i]!)))
      })
    })
  }

  it('one row of 100,000 opportunities whose gone terms underflow past some point', () => {
    const h = compressHistories([3, 0], [40, 0], [100_000, 100_000])
    const p = { alpha: 0.8, beta: 5, gamma: 2, delta: 3 }
    const g = bgbbGradient(p, h)
    const num = centralDifference(p, h)
    g.forEach((v, i) => {
      expect(Number.isFinite(v)).toBe(true)
      expect(Math.abs(v - num[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(num[i]!)))
    })
  })

  it('a fit over 365 opportunities recovers its simulated parameters within 3 standard errors', () => {
    const p = { alpha: 0.6, beta: 8, gamma: 0.5, delta: 60 }
    const sim = simulateBgbb(p, 3000, 365, 11)
    const f = fitBgbb(compressHistories(sim.x, sim.tx, sim.n))
    for (const k of NAMES) {
      const se = f.standardErrors[k]
      expect(se).toBeGreaterThan(0)
      expect(Math.abs(f.params[k] - p[k])).toBeLessThan(3 * (se as number))
    }
  })
})
