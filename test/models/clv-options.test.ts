// scoreClv holds its options to the rules analyze holds its own to (one rule each in core/clv.ts):
// a discount rate or margin typed as a percentage (10, 30) multiplied or discounted the value
// silently, a negative spend made a loss of purchases, and horizon 0 was refused while
// expectedPurchases over 0 is 0.
import { describe, expect, it } from 'vitest'
import { discountRateProblem, marginProblem, scoreClv } from '../../src/core/clv.ts'
import { bgnbd } from '../../src/core/models/bgnbd.ts'
import { DataError } from '../../src/errors.ts'

const params = { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 }
const m = { model: 'bgnbd' as const, params }
const h = { x: [2], tx: [30], T: [38] }

const refused = (f: () => unknown, message: string): void => {
  expect(f).toThrow(DataError)
  expect(f).toThrow(message)
}

describe('scoreClv refuses options that cannot be what they name', () => {
  it('annualDiscountRate: a share from 0 to 1; 10 is refused with the share it meant', () => {
    refused(
      () => scoreClv(m, h, 35, { annualDiscountRate: 10 }),
      'scoreClv: annualDiscountRate must be a share from 0 to 1 a year, e.g. 0.1 for 10 % (got 10; for 10 % a year pass 0.1)',
    )
    refused(() => scoreClv(m, h, 35, { annualDiscountRate: -1 }), '(got -1)')
    refused(() => scoreClv(m, h, 35, { annualDiscountRate: Number.NaN }), '(got NaN)')
    expect(scoreClv(m, h, 35, { annualDiscountRate: 1 }).value[0]).toBeGreaterThan(0)
  })

  it('margin: a share from 0 to 1, scalar or per customer (as analyze --margin)', () => {
    refused(
      () => scoreClv(m, h, 35, { margin: 30 }),
      'scoreClv: margin must be the share of spend that is profit, from 0 to 1, e.g. 0.3 (got 30; for 30 % pass 0.3)',
    )
    refused(() => scoreClv(m, h, 35, { margin: -0.1 }), 'scoreClv: margin must be')
    refused(
      () => scoreClv(m, { x: [2, 1], tx: [30, 5], T: [38, 38] }, 35, { margin: [0.3, 30] }),
      'scoreClv: margin of customer 2 must be the share',
    )
    refused(
      () => scoreClv(m, { x: [2, 1], tx: [30, 5], T: [38, 38] }, 35, { margin: [0.3] }),
      'scoreClv: margin must have one value per customer (got 1 for 2)',
    )
    const base = scoreClv(m, h, 35).value[0]!
    expect(scoreClv(m, h, 35, { margin: 0.3 }).value[0]).toBeCloseTo(0.3 * base, 12)
  })

  it('spend: a finite number >= 0 (a negative one made a negative value)', () => {
    refused(
      () => scoreClv(m, h, -35),
      'scoreClv: spend must be a finite number >= 0, the expected spend per purchase (got -35)',
    )
    refused(() => scoreClv(m, { x: [2, 1], tx: [30, 5], T: [38, 38] }, [35, -1]), 'customer 2')
    refused(() => scoreClv(m, h, Number.POSITIVE_INFINITY), '(got Infinity)')
    expect(scoreClv(m, h, 0).value[0]).toBe(0)
  })

  it('method: steps or continuous, nothing else', () => {
    refused(
      () => scoreClv(m, h, 35, { method: 'monthly' as 'steps' }),
      `scoreClv: method must be 'steps' or 'continuous' (got "monthly")`,
    )
  })

  it('horizon: a number >= 0, and 0 values nobody, as expectedPurchases over 0 is 0', () => {
    expect(bgnbd.expectedPurchases(params, 0, 2, 30, 38)).toBe(0)
    for (const method of ['steps', 'continuous'] as const) {
      const r = scoreClv(m, h, 35, { horizon: 0, method })
      expect([r.expectedPurchases[0], r.discountedPurchases[0], r.value[0]]).toEqual([0, 0, 0])
    }
    const pareto = scoreClv(
      { model: 'pareto', params: { r: 0.55, alpha: 10.58, s: 0.61, beta: 11.67 } },
      h,
      35,
      { horizon: 0 },
    )
    expect(pareto.value[0]).toBe(0)
    refused(() => scoreClv(m, h, 35, { horizon: -1 }), 'scoreClv: horizon must be a number >= 0')
    refused(() => scoreClv(m, h, 35, { horizon: Number.NaN }), '(got NaN)')
  })

  it('the rules are the ones analyze words its options with', () => {
    expect(discountRateProblem(0.1)).toBeNull()
    expect(discountRateProblem(0)).toBeNull()
    expect(discountRateProblem(250)).toBe(
      'must be a share from 0 to 1 a year, e.g. 0.1 for 10 % (got 250)',
    )
    expect(marginProblem(1)).toBeNull()
    expect(marginProblem(Number.NaN)).toMatch(/\(got NaN\)$/)
  })
})
