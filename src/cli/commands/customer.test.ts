import { describe, expect, test } from 'vitest'
import type { CustomerProfile } from '../../service/customer-profile.ts'
import { formatLiveProfile, formatProfile, type LiveProfile, minutes } from './customer.ts'

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
  const profile = (daysSinceLast: number, pAlive: number | null = null): CustomerProfile => ({
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
    predictions:
      pAlive === null
        ? null
        : {
            pAlive,
            expectedPurchases: 2.4,
            expectedSpend: null,
            predictedValue: null,
            expectedNextPurchase: null,
            horizon: 52,
            unit: 'week',
          },
    value: null,
    service: null,
    tier: null,
    loyalty: null,
    reasons: [],
    referrals: null,
    recentOrders: [],
    warnings: [],
  })

  test('says when the last order was as the reasons do: today, 1 day ago, 2 days ago', () => {
    expect(formatProfile(profile(0))).toContain('last 2025-12-30 (today).')
    expect(formatProfile(profile(1))).toContain('last 2025-12-30 (1 day ago).')
    expect(formatProfile(profile(2))).toContain('last 2025-12-30 (2 days ago).')
    expect(formatProfile(profile(1234))).toContain('(1,234 days ago).')
  })

  test('P(alive) below 1 never reads 100.0%, above 0 never 0.0%', () => {
    const pa = (p: number) => /P\(alive\) ([^,]+),/.exec(formatProfile(profile(3, p)))?.[1]
    expect(pa(0.999)).toBe('99.9%')
    expect(pa(0.99996)).toBe('99.996%')
    expect(pa(0.0004)).toBe('0.04%')
    expect(pa(1)).toBe('100.0%')
    expect(pa(0.4567)).toBe('45.7%')
    // value profiles: under the lapsed line, never at it (the reason beside it says 29.98 %)
    const line = (p: number) => /P\(alive\) ([^,]+),/.exec(formatProfile(profile(3, p), 0.3))?.[1]
    expect(line(0.2998)).toBe('29.98%')
    expect(line(0.29917)).toBe('29.9%')
    expect(line(0.3)).toBe('30.0%')
  })

  test("a live profile's P(alive) reads under the server's lapsed line, as its reasons do", () => {
    const live = (pAlive: number, lapsedBelow?: number): LiveProfile => ({
      customerId: 'c1',
      name: null,
      orders: 2,
      revenue: 50,
      firstOrderAt: '2025-01-01T00:00:00.000Z',
      lastOrderAt: '2025-02-01T00:00:00.000Z',
      value: { total: 60, history: 50, predicted: 10 },
      prediction: {
        pAlive,
        ...(lapsedBelow === undefined ? {} : { lapsedBelow }),
        expectedPurchases: 0.4,
        horizonWeeks: 52,
      },
      tier: null,
      segment: null,
      loyaltyType: 'lapsed',
      reasons: [{ text: 'lapsed: 29.98 % chance of still being active' }],
      scoredAt: null,
    })
    const pa = (p: LiveProfile) => /P\(alive\) ([^,]+),/.exec(formatLiveProfile(p, 'http://x'))?.[1]
    expect(pa(live(0.2998, 0.3))).toBe('29.98%')
    expect(pa(live(0.3, 0.3))).toBe('30.0%')
    // an older server without the line: a tenth of a percent, as before
    expect(pa(live(0.2998))).toBe('30.0%')
    // money in the server's currency, as its reasons are; plain numbers without one
    const eur = formatLiveProfile({ ...live(0.5), currency: 'EUR' }, 'http://x')
    expect(eur).toContain('Value €60.00: €50.00 so far + €10.00 predicted over 52 weeks.')
    expect(eur).toContain('2 orders, €50.00 revenue')
    expect(formatLiveProfile(live(0.5), 'http://x')).toContain('Value 60.00: 50.00 so far')
    // the days the orders were placed, where the server sends them (not the UTC days)
    const placed = { ...live(0.5), firstOrderDay: '2024-12-31', lastOrderDay: '2025-01-31' }
    expect(formatLiveProfile(placed, 'http://x')).toContain('first 2024-12-31, last 2025-01-31.')
    expect(formatLiveProfile(live(0.5), 'http://x')).toContain('first 2025-01-01, last 2025-02-01.')
    // before the first refit nothing is predicted: said, not "$50.00 so far + – predicted"
    const unscored: LiveProfile = {
      ...live(0.5),
      currency: 'USD',
      value: { total: 50, history: 50, predicted: null },
      prediction: { pAlive: null, expectedPurchases: null, horizonWeeks: 52 },
    }
    expect(formatLiveProfile(unscored, 'http://x')).toContain(
      'Value $50.00 so far; nothing predicted (no purchase model fitted).',
    )
  })
})

describe('the service line', () => {
  // a value profile (C000608 of `loyals generate --customers 2000`, trimmed to what is printed)
  const profile = (engagementPercentile: number | null): CustomerProfile => ({
    customerId: 'C000608',
    asOf: '2025-12-31',
    currency: 'EUR',
    locale: 'en-US',
    attributes: null,
    summary: {
      firstPurchase: '2024-04-03',
      lastPurchase: '2025-12-12',
      orders: 11,
      purchaseDays: 11,
      revenue: 2588.39,
      margin: 1446.42,
      averageOrderValue: 235.31,
      daysSinceLast: 19,
      tenureDays: 637,
      x: 10,
      t_x: 86,
      T: 91,
    },
    rfm: { r: 5, f: 5, m: 5, segment: 'Champions' },
    predictions: null,
    value: {
      revenue: 2588.39,
      grossMargin: 1446.42,
      costs: { tickets: 0, returns: 0, shipping: 53.9, fees: 77.81, discounts: 0 },
      costToServe: 131.71,
      pastProfit: 1314.71,
      predictedProfit: 416.69,
      referralValue: 0,
      totalValue: 1731.4,
      valuePercentile: 95.93,
    },
    service: {
      tickets: 0,
      ticketMinutes: 0,
      returns: 0,
      nps: null,
      ces: null,
      csat: null,
      ticketSatisfaction: null,
      ticketsRated: 0,
      comment: null,
      engagementScore: 17.4627,
      engagementPercentile,
    },
    tier: {
      name: 'Gold',
      qualifiedTier: 'Gold',
      heldByGrace: false,
      graceLeft: null,
      graceUnit: 'days',
      serviceLevel: { priority: 2, responseTargetMinutes: 240, dedicatedOwner: false },
      perks: [],
      outreach: 'personal',
    },
    loyalty: { type: 'lucrative_loyal', rule: 'high_value_connected' },
    reasons: [],
    referrals: null,
    recentOrders: [],
    warnings: [],
  })

  test('the engagement percentile reads 100 only for the most engaged customer, as --json has it', () => {
    const pct = (p: number | null) =>
      /engagement percentile ([^.,]+)/.exec(formatProfile(profile(p)))?.[1]
    // rounded down, as the value percentile is: 99.94 is not the 100th percentile
    expect(pct(99.94)).toBe('99')
    expect(pct(99.5)).toBe('99')
    expect(pct(100)).toBe('100')
    expect(pct(42.7)).toBe('42')
    expect(pct(0)).toBe('0')
    // a percentile computed as 70 but stored a hair under it is still the 70th
    expect(pct(69.99999999999)).toBe('70')
    expect(pct(null)).toBeUndefined()
  })
})
