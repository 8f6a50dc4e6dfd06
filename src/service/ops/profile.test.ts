import { describe, expect, it } from 'vitest'
import { parseValueConfig } from '../../core/value/config.ts'
import { addOrder, emptyProfile, scoreProfile } from './profile.ts'

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
})
