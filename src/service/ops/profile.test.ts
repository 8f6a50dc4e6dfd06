import { describe, expect, it } from 'vitest'
import { parseValueConfig } from '../../core/value/config.ts'
import { addOrder, emptyProfile, scoreProfile, surelyNewDay } from './profile.ts'

describe('addOrder', () => {
  it('sums money to the millionth, as the store does, whatever the order of arrival', () => {
    const amounts = [414.71, 0.1, 0.2, 1247.55, -166.43, 33.33, 0.07]
    const exact = 1529.53
    for (const order of [amounts, [...amounts].reverse()]) {
      let p = emptyProfile('c', 0)
      for (const [i, a] of order.entries()) p = addOrder(p, a, Date.UTC(2025, 0, 1 + i), true)
      expect(p.revenue).toBe(exact)
    }
    // a plain running sum of the same doubles is not exact
    expect(amounts.reduce((s, a) => s + a, 0)).not.toBe(exact)
  })

  it('keeps the days the first and last orders were placed on, not their UTC days', () => {
    // 23:30 UTC on 03-05 placed on 03-06 in Auckland; then an order placed on 03-01
    let p = addOrder(emptyProfile('c', 0), 10, Date.UTC(2026, 2, 5, 23, 30), true, '2026-03-06')
    p = addOrder(p, 10, Date.UTC(2026, 2, 1, 2), true, '2026-03-01')
    expect([p.firstOrderDay, p.lastOrderDay]).toEqual(['2026-03-01', '2026-03-06'])
    // without a day given, the UTC day; a refund changes no day
    p = addOrder(p, -5, Date.UTC(2026, 3, 1), false)
    expect(p.lastOrderDay).toBe('2026-03-06')
    expect(addOrder(emptyProfile('d', 0), 1, Date.UTC(2026, 0, 2, 12), true).firstOrderDay).toBe(
      '2026-01-02',
    )
    // a profile of orders stored before days were kept stays without until its refit
    const old = { ...emptyProfile('e', 0), ordersCount: 3, purchaseDays: 2 }
    expect(addOrder(old, 1, Date.UTC(2026, 0, 2), true, '2026-01-02').lastOrderDay).toBeNull()
  })
})

describe('scoreProfile', () => {
  it('says the buying span in purchase days: two orders on one day are one purchase', () => {
    let p = emptyProfile('c', 0)
    const day = (y: number, h = 10) => Date.UTC(y, 5, 1, h)
    for (const at of [day(2023, 10), day(2023, 15), day(2024), day(2025)]) {
      p = addOrder(p, 20, at, at !== day(2023, 15))
    }
    const scored = scoreProfile(p, null, parseValueConfig({}), day(2025, 12))
    const cadence = scored.reasons.find((r) => r.code === 'cadence')
    // first to last purchase: 2023-06-01 to 2025-06-01, two years, not three
    expect(cadence?.text).toBe('buys every 12 months for 2 years')
  })

  it("says when a one-time buyer's order was, as analyze does", () => {
    const p = addOrder(emptyProfile('c', 0), 20, Date.UTC(2024, 10, 1, 10), true)
    const scored = scoreProfile(p, null, parseValueConfig({}), Date.UTC(2025, 5, 1))
    const texts = scored.reasons.map((r) => r.text)
    expect(texts).toContain('one-time buyer: a single order, 7 months ago')
    // no buying rhythm is read into one purchase
    expect(scored.reasons.find((r) => r.code === 'cadence')).toBeUndefined()
  })
})

describe('scoreProfile without a kept order', () => {
  it('gives no segment: the one held before every order was refunded is stale', () => {
    // a refit recounts the customer's orders (all refunded in full) over the live profile
    const p = { ...emptyProfile('c', 0), segment: 'New', tier: null }
    const scored = scoreProfile(p, null, parseValueConfig({}), Date.UTC(2025, 5, 1))
    expect(scored.segment).toBeNull()
    const bought = addOrder(p, 20, Date.UTC(2025, 4, 1), true)
    expect(scoreProfile(bought, null, parseValueConfig({}), Date.UTC(2025, 5, 1)).segment).toBe(
      'New',
    )
  })
})

describe('surelyNewDay', () => {
  it('is sure only three UTC days from the first and last order: a local day is a day off at most', () => {
    const at = (d: number, h = 12) => Date.UTC(2025, 2, d, h)
    let p = emptyProfile('c', 0)
    expect(surelyNewDay(p, at(10))).toBe(true)
    p = addOrder(addOrder(p, 10, at(10), true), 10, at(20), true)
    // 23:30 UTC on the 22nd may be the 21st where it was placed, 00:30 on the 8th the 9th
    for (const d of [8, 9, 10, 15, 20, 21, 22]) expect(surelyNewDay(p, at(d, 0))).toBe(false)
    expect(surelyNewDay(p, at(23, 0))).toBe(true)
    expect(surelyNewDay(p, at(7, 23))).toBe(true)
  })
})

describe('scoreProfile of a lucrative loyal', () => {
  it('names the referrals and reviews the type was classified on, as analyze does', () => {
    // orders every two months, the last a week ago: not overdue; no fitted purchase model
    let p = emptyProfile('c', 0)
    for (let m = 0; m < 12; m += 2) p = addOrder(p, 500, Date.UTC(2025, m, 5, 10), true)
    const model = {
      bgnbd: null,
      boundaries: [],
      // every other customer's value is below 100: this one is at the top
      valuePercentiles: Array.from({ length: 99 }, (_, i) => i),
      fittedAtMs: 0,
      customers: 1000,
    }
    const now = Date.UTC(2025, 10, 12)
    const reason = (q: typeof p) =>
      scoreProfile(q, model, parseValueConfig({}), now).reasons.find(
        (r) => r.code === 'loyalty_type',
      )?.text
    expect(reason({ ...p, referrals: 4, reviews: 2 })).toBe(
      'lucrative loyal: top 1 % by value with 4 referrals, 2 reviews',
    )
    expect(reason({ ...p, referrals: 2 })).toBe(
      'lucrative loyal: top 1 % by value with 2 referrals',
    )
    expect(reason({ ...p, reviews: 1 })).toBe('lucrative loyal: top 1 % by value with 1 review')
    // no signal: not lucrative
    expect(reason(p)).not.toMatch(/^lucrative/)
  })
})
