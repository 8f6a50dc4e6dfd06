import { describe, expect, it } from 'vitest'
import { ConvergenceError } from '../../errors.ts'
import { fitWithRestarts, subsampleHistories } from './common.ts'
import type { Histories } from './types.ts'

const histories = (n: number): Histories => {
  const x = Float64Array.from({ length: n }, (_, i) => i % 7)
  const w = Float64Array.from({ length: n }, (_, i) => 1 + (i % 3))
  return {
    x,
    tx: x.map((v) => v * 2),
    T: x.map(() => 20),
    weight: w,
    customers: w.reduce((a, b) => a + b),
  }
}

describe('subsampleHistories', () => {
  it('keeps every k-th history with its weight, and nothing for small data', () => {
    expect(subsampleHistories(histories(3999), 1000)).toBeNull()
    const h = histories(10_000)
    const s = subsampleHistories(h, 1000)!
    expect(s.x.length).toBe(1000)
    expect(s.x[1]).toBe(h.x[10])
    expect(s.tx[999]).toBe(h.tx[9990])
    expect(s.weight[5]).toBe(h.weight[50])
    expect(s.customers).toBe(s.weight.reduce((a, b) => a + b))
  })
})

describe('fitWithRestarts with a warm start', () => {
  // full objective: minimum at (1, -2); the "subsample" objective is close to it, not equal
  const f = (x: readonly number[]) => (x[0]! - 1) ** 2 + 3 * (x[1]! + 2) ** 2 + 0.5 * x[0]! * x[1]!
  const g = (x: readonly number[]) => [2 * (x[0]! - 1) + 0.5 * x[1]!, 6 * (x[1]! + 2) + 0.5 * x[0]!]
  const fs = (x: readonly number[]) => f([x[0]! - 0.05, x[1]! + 0.03])
  const gs = (x: readonly number[]) => g([x[0]! - 0.05, x[1]! + 0.03])
  const starts = [[5, 5]]
  it('lands on the optimum of the full objective, not the subsample one', () => {
    const cold = fitWithRestarts(f, g, starts, { gradientTolerance: 1e-9 })
    const warm = fitWithRestarts(f, g, starts, {
      gradientTolerance: 1e-9,
      warm: { f: fs, grad: gs },
    })
    expect(warm.x[0]).toBeCloseTo(cold.x[0]!, 7)
    expect(warm.x[1]).toBeCloseTo(cold.x[1]!, 7)
    expect(Math.max(...g(warm.x).map(Math.abs))).toBeLessThan(1e-9)
  })
  it('falls back to the starts when the subsample fit fails', () => {
    const bad = () => Number.NaN
    const r = fitWithRestarts(f, g, starts, {
      gradientTolerance: 1e-9,
      warm: { f: bad, grad: () => [Number.NaN, Number.NaN] },
    })
    expect(Math.max(...g(r.x).map(Math.abs))).toBeLessThan(1e-9)
  })
  it('still throws ConvergenceError when the full objective has no optimum', () => {
    const down = (x: readonly number[]) => -x[0]! - x[1]!
    const dg = () => [-1, -1]
    expect(() =>
      fitWithRestarts(down, dg, starts, { maxIterations: 20, warm: { f: down, grad: dg } }),
    ).toThrow(ConvergenceError)
  })
})
