// Pareto/NBD on its quadrature path (s >= 3, β > α) against mpmath: P(a purchase within a short
// window) and the mean waiting time for customers with many purchases. Both were once differences
// of two large logs and lost up to 4e-8 and 8e-4 of the answer to rounding.
// References: scripts/fixtures/pareto_large_s.py -> test/fixtures/models/pareto_large_s.json.
import { describe, expect, it } from 'vitest'
import { type ParetoParams, paretoNbd } from '../../src/core/models/pareto-nbd.ts'
import { fixtureJson, type ParetoCase } from './fixtures.ts'

interface Case extends ParetoCase {
  windows: number[]
  any: number[]
  mean: number
}
const { cases } = fixtureJson<{ cases: Case[] }>('pareto_large_s.json')
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b)
const params = (c: Case): ParetoParams => ({ r: c.r, alpha: c.alpha, s: c.s, beta: c.beta })

describe('Pareto/NBD with large s (mpmath)', () => {
  it('gives P(a purchase within 0.001, 1 and 52 periods) to 1e-11', () => {
    const bad: string[] = []
    for (const c of cases) {
      c.windows.forEach((w, i) => {
        const got = paretoNbd.probabilityAnyPurchase(params(c), w, c.x, c.tx, c.T)
        const want = c.any[i]!
        const ok = want === 0 ? got < 1e-300 : rel(got, want) < 1e-11
        if (!ok) bad.push(`s=${c.s} x=${c.x} T=${c.T} window ${w}: ${got} vs ${want}`)
      })
    }
    expect(bad).toEqual([])
  })

  it('gives the mean wait to the next purchase to 1e-11, up to a million purchases', () => {
    const bad: string[] = []
    for (const c of cases) {
      const got = paretoNbd.expectedNextPurchaseTime(params(c), c.x, c.tx, c.T).mean as number
      if (!(rel(got, c.mean) < 1e-11)) bad.push(`s=${c.s} x=${c.x}: ${got} vs ${c.mean}`)
    }
    expect(bad).toEqual([])
    expect(cases.some((c) => c.x >= 1e6)).toBe(true)
  })
})
