import { describe, expect, test } from 'vitest'
import type { CustomerProfile } from '../../service/customer-profile.ts'
import { formatProfile, minutes } from './customer.ts'

describe('response-time targets in words', () => {
  test('minutes, hours, then days; one day in the singular', () => {
    expect(minutes(45)).toBe('45 min')
    expect(minutes(120)).toBe('2 h')
    expect(minutes(90)).toBe('1.5 h')
    expect(minutes(1440)).toBe('1 day')
    expect(minutes(2160)).toBe('1.5 days')
    expect(minutes(2880)).toBe('2 days')
  })
})

describe('the purchases line', () => {
  // a transaction log's profile: the purchases line without money
  const profile = (daysSinceLast: number): CustomerProfile => ({
    customerId: 'C1',
    asOf: '2025-12-31',
    currency: null,
    locale: 'en-US',
    attributes: null,
    summary: {
      firstPurchase: '2023-12-04',
      lastPurchase: '2025-12-30',
      orders: 7,
      purchaseDays: 7,
      revenue: 0,
      margin: null,
      averageOrderValue: null,
      daysSinceLast,
      tenureDays: 758,
      x: 6,
      t_x: 757,
      T: 758,
    },
    rfm: { r: 5, f: 5, m: null, segment: 'Champions' },
    predictions: null,
    value: null,
    service: null,
    tier: null,
    loyalty: null,
    reasons: [],
    referrals: null,
    recentOrders: [],
  })

  test('says when the last order was as the reasons do: today, 1 day ago, 2 days ago', () => {
    expect(formatProfile(profile(0))).toContain('last 2025-12-30 (today).')
    expect(formatProfile(profile(1))).toContain('last 2025-12-30 (1 day ago).')
    expect(formatProfile(profile(2))).toContain('last 2025-12-30 (2 days ago).')
    expect(formatProfile(profile(1234))).toContain('(1,234 days ago).')
  })
})
