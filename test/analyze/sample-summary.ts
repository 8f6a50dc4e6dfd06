// A hand-made AnalysisSummary for renderer tests: small, internally consistent, and with hostile
// strings where user data appears (customer ids and segment names come from files).
import type { AnalysisSummary, TopCustomer } from '../../src/service/analysis-summary.ts'
import type { InsightsSummary } from '../../src/service/insights/types.ts'

export const HOSTILE_ID = '<script>alert("x")</script>&\'id'

function top(rank: number, id: string, revenue: number, total: number, cum: number): TopCustomer {
  return {
    rank,
    customerId: id,
    revenue,
    share: revenue / total,
    cumulativeShare: cum / total,
    margin: null,
    orders: 3,
    repeatPurchases: 2,
    averageOrderValue: revenue / 3,
    firstPurchase: '2024-01-02',
    lastPurchase: '2024-06-01',
    daysSinceLast: 29,
    segment: 'Champions',
    r: 5,
    f: 5,
    m: 5,
  }
}

/** Ten customers with revenue 100, 90, ..., 10 (total 550). */
export function sampleSummary(overrides: Partial<AnalysisSummary> = {}): AnalysisSummary {
  const revenues = [100, 90, 80, 70, 60, 50, 40, 30, 20, 10]
  const total = 550
  let cum = 0
  const tops = revenues.slice(0, 3).map((r, i) => {
    cum += r
    return top(i + 1, i === 0 ? HOSTILE_ID : `c${i + 1}`, r, total, cum)
  })
  const asc = [...revenues].reverse()
  let acc = 0
  const lorenz = [{ customers: 0, value: 0 }]
  asc.forEach((r, i) => {
    acc += r
    lorenz.push({ customers: (i + 1) / 10, value: acc / total })
  })
  let dc = 0
  const deciles = revenues.map((r, i) => {
    dc += r
    return {
      decile: i + 1,
      customers: 1,
      value: r,
      share: r / total,
      cumulativeShare: dc / total,
      revenue: r,
      orders: 2,
      ordersPerCustomer: 2,
      averageOrderValue: r / 2,
      minValue: r,
      maxValue: r,
    }
  })
  const topShares = [1, 2, 5, 10, 20, 50].map((p) => {
    const n = Math.max(1, Math.ceil((p / 100) * 10))
    const value = revenues.slice(0, n).reduce((a, b) => a + b, 0)
    return {
      percent: p,
      customers: n,
      value,
      share: value / total,
    }
  })
  const base: AnalysisSummary = {
    schemaVersion: 1,
    generatedAt: '2024-07-01T12:00:00.000Z',
    source: 'orders<&>.csv',
    asOf: '2024-06-30',
    unit: 'week',
    currency: 'USD',
    period: { firstPurchase: '2024-01-01', lastPurchase: '2024-06-30' },
    counts: {
      customers: 10,
      orders: 20,
      repeatCustomers: 6,
      oneTimeCustomers: 4,
      ordersAfterAsOf: 2,
      amountAfterAsOf: 55,
    },
    revenue: {
      measured: true,
      total,
      margin: null,
      marginRevenue: null,
      perCustomer: 55,
      averageOrderValue: 27.5,
      holdout: 12.5,
    },
    concentration: {
      revenue: {
        value: 'revenue',
        customers: 10,
        total,
        negativeCustomers: 0,
        negativeTotal: 0,
        topShares,
        deciles,
        lorenz,
        gini: 0.3,
      },
      margin: null,
    },
    rfm: {
      segments: [
        {
          segment: 'Champions',
          description: 'Bought recently, buy often and spend the most.',
          customers: 3,
          share: 0.3,
          revenue: 270,
          revenueShare: 270 / total,
          avgRecencyDays: 10,
          avgFrequency: 3,
          avgMonetary: 90,
        },
        {
          segment: '<b>Lost</b>',
          description: null,
          customers: 7,
          share: 0.7,
          revenue: 280,
          revenueShare: 280 / total,
          avgRecencyDays: 120,
          avgFrequency: 1.57,
          avgMonetary: 40,
        },
      ],
      grid: [
        { r: 5, fm: 5, segment: 'Champions', customers: 3, revenue: 270 },
        { r: 1, fm: 1, segment: '<b>Lost</b>', customers: 5, revenue: 150 },
        { r: 1, fm: 2, segment: '<b>Lost</b>', customers: 2, revenue: 130 },
      ],
    },
    topCustomers: tops,
    quality: [{ level: 'warning', message: '2 orders after the as-of date <ignored>' }],
  }
  return { ...base, ...overrides }
}

/**
 * An insights block whose every user label (categories, attribute levels, customer ids, segment
 * names) is `label`, with one row in each table, for layout tests of long labels.
 */
export function sampleInsights(label: string): InsightsSummary {
  const interval = { rate: 0.4, lift: 2, lower: 0.3, upper: 0.5 }
  const level = { attribute: label, level: label, customers: 40, topCustomers: 12 }
  const group = {
    kind: 'segment',
    group: label,
    n: 40,
    value: 0.5,
    lower: 0.4,
    upper: 0.6,
  } as const
  return {
    schemaVersion: 1,
    asOf: '2024-06-30',
    cohort: {
      valueExpression: 'revenue',
      customers: 10,
      eligible: 10,
      top: 2,
      topShare: 0.2,
      minHistoryDays: 0,
      threshold: 90,
      topValueShare: 0.35,
    },
    pathToBest: {
      baskets: 10,
      items: 3,
      baseRate: 0.2,
      minCount: 2,
      tested: 1,
      itemsets: [
        {
          ...interval,
          items: [label, label],
          customers: 4,
          support: 0.4,
          topCustomers: 2,
          pValue: 0.01,
          qValue: 0.01,
          productiveP: 0.02,
          productiveQ: 0.02,
          productive: true,
        },
      ],
      paths: [
        {
          ...interval,
          first: label,
          second: label,
          customers: 4,
          topCustomers: 2,
          pValue: 0.02,
          qValue: 0.02,
        },
      ],
      pathBase: { customers: 8, topCustomers: 2, rate: 0.25 },
      pathsTested: 1,
    },
    risingStars: {
      features: [],
      lambda: 1,
      train: { customers: 8, positives: 2 },
      validation: {
        customers: 4,
        positives: 1,
        auc: 0.8,
        k: 1,
        precisionAtK: 1,
        liftAtK: 4,
        calibration: [],
      },
      candidates: 3,
      highPropensity: 1,
      threshold: 0.5,
      list: [
        {
          customerId: label,
          value: 20,
          propensity: 0.7,
          reasons: [{ feature: 'category', text: `first order in ${label}`, contribution: 1 }],
        },
      ],
    },
    lapsedBest: {
      months: 12,
      gapFactor: 3,
      pAliveThreshold: null,
      customers: 1,
      valueAtStake: 100,
      purchasesAtStake: 2,
      priced: true,
      list: [
        {
          customerId: label,
          value: 100,
          revenue: 300,
          lastPurchase: '2024-01-02',
          daysSinceLast: 180,
          usualGap: 30,
          pAlive: 0.2,
          tier: null,
          valueAtStake: 100,
          purchasesAtStake: 2,
          reason: 'gap',
        },
      ],
    },
    overIndex: {
      significant: [
        {
          ...level,
          shareAll: 0.1,
          shareTop: 0.4,
          index: 400,
          indexLower: 200,
          indexUpper: 600,
          pValue: 0.001,
          pHolm: 0.002,
          qValue: 0.002,
        },
      ],
      levels: [],
      attributesCompared: [label],
      attributesTooRecent: [],
      minHistoryDays: 365,
      minCount: 2,
      categories: [
        {
          category: label,
          orders: 10,
          returnRate: 0.1,
          firstCustomers: 5,
          repeatRate: 0.4,
          repeatLower: 0.2,
          repeatUpper: 0.6,
          toxic: false,
        },
      ],
      overallReturnRate: 0.1,
      overallRepeatRate: 0.4,
    },
    icp: [],
    kpis: {
      retention: {
        cohorts: ['2024-01'],
        periods: 1,
        sizes: [10],
        customers: [1],
        revenue: [1],
        averageCustomers: [1],
        averageRevenue: [1],
        noRevenueBase: [],
      },
      repeatRate: { estimate: 0.5, lower: 0.3, upper: 0.7, customers: 10, repeaters: 5 },
      retentionRate: [],
      secondPurchase: {
        customers: 0,
        events: 0,
        medianDays: null,
        quartileDays: [],
        quartileAtRisk: [],
        minAtRisk: 10,
        within: [],
      },
      stickiness: [{ ...level, sticky: 4, rate: 0.4, lower: 0.2, upper: 0.6 }],
      nps: [group],
      ces: [group],
      ticketResolution: [group],
      returnRate: [group],
    },
    surveys: {
      size: 10,
      seed: 1,
      restDays: 90,
      groups: [{ kind: 'segment', group: label, sampled: 10, resting: 2 }],
    },
    notes: [],
  }
}
