// The waiting-time solver: the same root as plain bisection on log w, in a handful of evaluations
// of a smooth f (each one a quadrature for Pareto/NBD), and no worse than bisection on a step.
import { describe, expect, it } from 'vitest'
import { solveMonotone } from '../../src/core/models/common.ts'

/** Geometric bisection to 1e-14 relative on a bracket known to hold the root: the reference. */
function bisect(f: (w: number) => number, target: number, lo: number, hi: number): number {
  while (hi - lo > 1e-14 * hi) {
    const m = Math.sqrt(lo) * Math.sqrt(hi)
    if (!(m > lo && m < hi)) break
    if (f(m) < target) lo = m
    else hi = m
  }
  return (lo + hi) / 2
}

function counted(f: (w: number) => number): { f: (w: number) => number; calls: () => number } {
  let n = 0
  return {
    f: (w) => {
      n++
      return f(w)
    },
    calls: () => n,
  }
}

describe('solveMonotone', () => {
  // log of a Lomax tail, the shape of a waiting time's survival: median (2^(1/a) - 1)·s
  const cases: [string, (w: number) => number, number, number][] = [
    ['a median near the hint', (w) => 2.5 * Math.log1p(w / 3), Math.LN2, 1],
    ['a median far above the hint', (w) => 0.01 * Math.log1p(w / 40), Math.LN2, 1],
    ['a median far below the hint', (w) => 80 * Math.log1p(w / 0.5), Math.LN2, 1e4],
    ['a tail falling like w^-0.002', (w) => 0.002 * Math.log1p(w), Math.LN2, 1],
    ['a steep logistic', (w) => 1 / (1 + Math.exp(-40 * (Math.log(w) - 2))), 0.5, 1],
  ]
  for (const [name, f, target, hint] of cases) {
    it(`finds ${name} to 1e-12 in at most 25 evaluations (bisection: 42 or more)`, () => {
      const c = counted(f)
      const w = solveMonotone(c.f, target, hint)
      expect(w).not.toBeNull()
      const ref = bisect(f, target, 1e-300, Number.MAX_VALUE)
      expect(Math.abs((w as number) - ref)).toBeLessThanOrEqual(2e-12 * ref)
      expect(c.calls()).toBeLessThanOrEqual(25)
    })
  }

  it('finds a step as the smallest w reaching the target, within twice bisection’s count', () => {
    const c = counted((w) => (w >= 7.25 ? 1 : 0))
    const w = solveMonotone(c.f, 0.5, 1) as number
    expect(Math.abs(w - 7.25)).toBeLessThanOrEqual(1e-11 * 7.25)
    expect(c.calls()).toBeLessThanOrEqual(2 * 45 + 6)
  })

  it('takes a NaN past the root as reached, as bisection did', () => {
    // f stops being a number past 100 (a quadrature that overflowed): the answer is 100
    const w = solveMonotone((v) => (v > 100 ? Number.NaN : Math.log(v)), Math.log(1000), 1)
    expect(Math.abs((w as number) - 100)).toBeLessThanOrEqual(1e-10)
  })

  it('is null past the largest double, and near 0 when every w reaches the target', () => {
    expect(solveMonotone((w) => 1e-5 * Math.log1p(w), 1e3, 1)).toBeNull()
    const w = solveMonotone(() => 1, 0.5, 3) as number
    expect(w).toBeGreaterThan(0)
    expect(w).toBeLessThan(1e-300)
  })
})
