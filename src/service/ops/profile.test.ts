import { describe, expect, it } from 'vitest'
import { addOrder, emptyProfile } from './profile.ts'

describe('addOrder', () => {
  it('sums money to the millionth, as the store does, whatever the order of arrival', () => {
    const amounts = [414.71, 0.1, 0.2, 1247.55, -166.43, 33.33, 0.07]
    const exact = 1529.53
    for (const order of [amounts, [...amounts].reverse()]) {
      let p = emptyProfile('c', 0)
      for (const [i, a] of order.entries()) p = addOrder(p, a, Date.UTC(2025, 0, 1 + i))
      expect(p.revenue).toBe(exact)
    }
    // a plain running sum of the same doubles is not exact
    expect(amounts.reduce((s, a) => s + a, 0)).not.toBe(exact)
  })
})
