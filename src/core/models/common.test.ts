import { describe, expect, it } from 'vitest'
import { ConvergenceError } from '../../errors.ts'
import {
  BOUNDARY_CONTINUATION_EVALUATIONS,
  fitLimit,
  fitWithRestarts,
  sampleByWeight,
  subsampleHistories,
} from './common.ts'
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
  it('draws customers by weight: heavy histories always in, in proportion; nothing for small data', () => {
    expect(subsampleHistories(histories(3999), 1000)).toBeNull()
    const h = histories(10_000)
    const total = h.weight.reduce((a, b) => a + b)
    const s = subsampleHistories(h, 1000)!
    expect(s.x.length).toBeLessThanOrEqual(1000)
    expect(s.customers).toBeCloseTo(total, 6)
    expect(s.customers).toBe(s.weight.reduce((a, b) => a + b))
    // one history holding a third of the customers (x = 0 at one T) is in, with its share, where
    // every k-th row either left it out or took it in at its own small weight
    const heavy = histories(12_000)
    heavy.weight[5] = 12_000
    const all = heavy.weight.reduce((a, b) => a + b)
    const t = subsampleHistories({ ...heavy, customers: all }, 1000)!
    const i = Array.from(t.x).findIndex((_, j) => t.weight[j]! >= 0.3 * all)
    expect(i).toBeGreaterThanOrEqual(0)
    expect(t.weight[i]! / t.customers).toBeCloseTo(12_000 / all, 2)
    // the mean of x over customers is estimated, not skewed toward the rows that were kept
    const mean = (d: { x: ArrayLike<number>; weight: ArrayLike<number> }) => {
      let sx = 0
      let sw = 0
      for (let j = 0; j < d.x.length; j++) {
        sx += d.x[j]! * d.weight[j]!
        sw += d.weight[j]!
      }
      return sx / sw
    }
    expect(Math.abs(mean(t) - mean(heavy))).toBeLessThan(0.05 * mean(heavy))
  })
})

describe('sampleByWeight', () => {
  it('draws size points: zero weights never, fractional ones by their share, the total kept', () => {
    const n = 100_000
    const w = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 0 : 0.1 + (i % 7) / 10))
    const total = w.reduce((a, b) => a + b)
    const d = sampleByWeight(w, 8000)!
    expect(d.rows.every((i) => w[i]! > 0)).toBe(true)
    const step = total / 8000
    const points = d.weight.reduce((a, v) => a + Math.round(v / step), 0)
    expect(points).toBe(8000)
    expect(d.weight.reduce((a, b) => a + b)).toBeCloseTo(total, 6)
    // rows come in order, each once
    expect(d.rows.every((r, j) => j === 0 || r > d.rows[j - 1]!)).toBe(true)
    expect(sampleByWeight(new Float64Array(10), 5)).toBeNull()
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

describe('fitWithRestarts when the shared evaluation budget runs out', () => {
  it('reports the whole budget and the starts tried, not what the last start had left', () => {
    // a kink at the minimum: no start reaches a small gradient; the first fails within budget
    const f = (x: readonly number[]) => Math.abs(x[0]!) + Math.abs(x[1]! - 1)
    const g = (x: readonly number[]) => [Math.sign(x[0]!) || 1, Math.sign(x[1]! - 1) || 1]
    const starts = [
      [3, 4],
      [-2, 5],
      [1, 1],
    ]
    let err: unknown = null
    try {
      fitWithRestarts(f, g, starts, { maxEvaluations: 400 })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ConvergenceError)
    expect((err as Error).message).toMatch(/after 400 likelihood evaluations from 2 start values/)
  })
})

describe('fitWithRestarts when a fit runs off to a boundary', () => {
  // x0 plays log a: exp(x0) - c·x0 has its minimum at log c, none (x0 → -∞) when c = 0
  const objective = (c: number) => {
    const calls = { n: 0 }
    const f = (x: readonly number[]) => {
      calls.n++
      return Math.exp(x[0]!) - c * x[0]! + (x[1]! - 1) ** 2
    }
    const g = (x: readonly number[]) => [Math.exp(x[0]!) - c, 2 * (x[1]! - 1)]
    return { f, g, calls }
  }
  const starts = [
    [0, 0],
    [1, 2],
    [-1, -1],
  ]
  const limitOf = (name: string, dir: 'high' | 'low') =>
    name === 'a' && dir === 'low' ? ('no-dropout' as const) : undefined
  const opts = { names: ['a', 'b'], limitOf, gradientTolerance: 1e-9 }

  it('continues from where the subsample ran off and finds the interior optimum of the full data', () => {
    const sample = objective(0)
    const full = objective(0.2)
    const r = fitWithRestarts(full.f, full.g, starts, {
      ...opts,
      warm: { f: sample.f, grad: sample.g },
    })
    expect(r.x[0]).toBeCloseTo(Math.log(0.2), 6)
    expect(r.x[1]).toBeCloseTo(1, 6)
  })

  it('fails fast, naming the no-dropout limit, when the full data runs off too', () => {
    const sample = objective(0)
    const full = objective(0)
    let err: unknown
    try {
      fitWithRestarts(full.f, full.g, starts, { ...opts, warm: { f: sample.f, grad: sample.g } })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ConvergenceError)
    expect(fitLimit(err)).toBe('no-dropout')
    const d = (err as ConvergenceError).details as { diverged: string; lastParams: number[] }
    expect(d.diverged).toBe('a')
    expect(d.lastParams[0]!).toBeLessThan(-15)
    // gradient calls are memoized by the real objectives; here f alone is counted
    expect(full.calls.n).toBeLessThanOrEqual(BOUNDARY_CONTINUATION_EVALUATIONS)
  })

  it('fails fast when the subsample converges but the full data runs off from its optimum', () => {
    const sample = objective(1e-3)
    const full = objective(0)
    expect(() =>
      fitWithRestarts(full.f, full.g, starts, { ...opts, warm: { f: sample.f, grad: sample.g } }),
    ).toThrow(/ran off to zero/)
    expect(full.calls.n).toBeLessThan(60)
  })

  it('without a subsample, restarts from every start and still names the limit', () => {
    const full = objective(0)
    let err: unknown
    try {
      fitWithRestarts(full.f, full.g, starts, opts)
    } catch (e) {
      err = e
    }
    expect(fitLimit(err)).toBe('no-dropout')
    expect(((err as ConvergenceError).details as { attempts: unknown[] }).attempts).toHaveLength(3)
  })
})
