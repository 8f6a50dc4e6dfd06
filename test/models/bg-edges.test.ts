// BG/NBD and MBG/NBD at the edges the QA review found: expected purchases over an infinite
// horizon where P(alive) underflows (0 · ∞ was NaN), and parameters of 1e-9 beside whole numbers
// (b + x + k - 1 and r + x - 1 from the left lost 8e-8 of P(alive) and 1e-7 of the mean wait).
import { describe, expect, it } from 'vitest'
import { bgnbd } from '../../src/core/models/bgnbd.ts'
import { mbgnbd } from '../../src/core/models/mbgnbd.ts'

const CDNOW = { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 }

describe('BG-family edges', () => {
  it('an infinite horizon with a <= 1 expects infinitely many purchases even when P(alive) underflows', () => {
    // x = 1e6 purchases by week 38, none since: P(alive) is far below the double range
    expect(bgnbd.probabilityAlive(CDNOW, 1e6, 38, 39)).toBe(0)
    expect(bgnbd.expectedPurchases(CDNOW, Number.POSITIVE_INFINITY, 1e6, 38, 39)).toBe(
      Number.POSITIVE_INFINITY,
    )
    expect(mbgnbd.expectedPurchases(CDNOW, Number.POSITIVE_INFINITY, 1e6, 38, 39)).toBe(
      Number.POSITIVE_INFINITY,
    )
    expect(bgnbd.expectedPurchases(CDNOW, 52, 1e6, 38, 39)).toBe(0)
  })

  it('b = 1e-9 keeps its digits in P(alive) (mpmath 1.385724408e-10)', () => {
    const p = { r: 0.5, alpha: 3, a: 0.8, b: 1e-9 }
    // 1 / (1 + a/(b + x - 1) ((α+T)/(α+t_x))^(r+x)), x = 1, t_x = 0, T = 10
    expect(Math.abs(bgnbd.probabilityAlive(p, 1, 0, 10) / 1.385724408e-10 - 1)).toBeLessThan(1e-9)
  })

  it('r = 1e-9 keeps its digits in the mean wait (α+T)/(r+x-1)', () => {
    const next = bgnbd.expectedNextPurchaseTime({ r: 1e-9, alpha: 12, a: 0.8, b: 2 }, 1, 0, 1)
    expect(Math.abs((next.mean ?? 0) / 1.3e10 - 1)).toBeLessThan(1e-12)
  })
  it('a median wait past the largest double is null with the reason, as Pareto/NBD says it', () => {
    // (α+T)(2^(1/(r+x)) − 1) at r + x = 1e-4 is ~8.7e3011 weeks
    for (const m of [bgnbd, mbgnbd]) {
      const far = m.expectedNextPurchaseTime({ ...CDNOW, r: 1e-4 }, 0, 0, 39)
      expect(far.median).toBeNull()
      expect(far.mean).toBeNull()
      expect(far.reason).toMatch(/median waiting time is beyond the largest double/)
      expect(far.reason).not.toMatch(/use the median/)
      // r + x = 0.01: 2^100 (α+T), a double
      const near = m.expectedNextPurchaseTime({ ...CDNOW, r: 0.01 }, 0, 0, 39)
      expect(near.median! / (43.4136 * Math.expm1(100 * Math.LN2)) - 1).toBeLessThan(1e-13)
      expect(near.reason).toMatch(/use the median/)
    }
  })
})
