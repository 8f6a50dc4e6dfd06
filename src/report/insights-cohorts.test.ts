import { describe, expect, it } from 'vitest'
import { sampleSummary } from '../../test/analyze/sample-summary.ts'
import type { CohortsKpis, InsightsSummary } from '../service/insights/types.ts'
import { renderReport } from './render.ts'
import {
  cohortsSection,
  insightsSections,
  retentionPrintPx,
  retentionTable,
  SHOWN_COHORTS,
} from './sections/insights.ts'

const PERIODS = 24
const grid = (rows: readonly ((j: number) => number | null)[]) =>
  rows.flatMap((f) => Array.from({ length: PERIODS }, (_, j) => f(j)))

// Three cohorts: 2022-01 lived through all 24 months, 2023-11 through two, and 2023-12 through one
// with no first-month revenue (so its revenue row is empty).
const kpis: CohortsKpis = {
  retention: {
    cohorts: ['2022-01', '2023-11', '2023-12'],
    periods: PERIODS,
    sizes: [10, 4, 2],
    customers: grid([
      (j) => (j === 0 ? 1 : 0.5 - j * 0.01),
      (j) => [1, 0.25][j] ?? null,
      (j) => (j === 0 ? 1 : null),
    ]),
    revenue: grid([
      (j) => (j === 0 ? 1 : j === 1 ? 1.5 : 0.8 - j * 0.01),
      (j) => [1, 0.6][j] ?? null,
      () => null,
    ]),
    averageCustomers: Array.from({ length: PERIODS }, (_, j) => (j === 0 ? 1 : 0.4)),
    averageRevenue: Array.from({ length: PERIODS }, (_, j) => (j === 0 ? 1 : 0.7)),
    noRevenueBase: ['2023-12'],
  },
  repeatRate: { estimate: 0.5, lower: 0.3, upper: 0.7, customers: 16, repeaters: 8 },
  retentionRate: Array.from({ length: 12 }, (_, i) => ({
    month: `2023-${String(i + 1).padStart(2, '0')}`,
    start: i === 0 ? 0 : 10 + i,
    end: 12 + i,
    acquired: 2,
    reactivated: 1,
    rate: i === 0 ? null : i / 20,
  })),
  secondPurchase: {
    customers: 16,
    events: 8,
    medianDays: 180,
    quartileDays: [40, 180, null],
    // the 75 % is not reached; the median was, with 9 still waiting
    quartileAtRisk: [14, 9, null],
    minAtRisk: 10,
    within: [
      { days: 30, share: 0.12 },
      { days: 90, share: 0.34 },
      { days: 180, share: 0.5 },
      { days: 365, share: 0.625 },
    ],
  },
  stickiness: [],
  nps: null,
  ces: null,
  ticketResolution: null,
  returnRate: null,
}

function insights(k: CohortsKpis): InsightsSummary {
  return {
    schemaVersion: 1,
    asOf: '2023-12-31',
    cohort: {
      valueExpression: 'revenue',
      customers: 16,
      eligible: 16,
      top: 2,
      topShare: 0.1,
      minHistoryDays: 0,
      threshold: 100,
      topValueShare: 0.4,
    },
    pathToBest: null,
    risingStars: null,
    lapsedBest: {
      months: 12,
      gapFactor: 3,
      pAliveThreshold: null,
      customers: 0,
      valueAtStake: 0,
      purchasesAtStake: 0,
      priced: true,
      list: [],
    },
    overIndex: {
      significant: [],
      levels: [],
      attributesCompared: [],
      attributesTooRecent: [],
      minHistoryDays: 365,
      minCount: 20,
      categories: [],
      overallReturnRate: null,
      overallRepeatRate: null,
    },
    icp: [],
    kpis: k,
    surveys: { size: 0, seed: 1, restDays: 90, groups: [] },
    notes: [],
  }
}

const render = (k: CohortsKpis) => cohortsSection.render(sampleSummary({ insights: insights(k) }))

/** The table following a heading (up to its closing tag). */
function tableAfter(html: string, heading: string): string {
  const at = html.indexOf(heading)
  expect(at, heading).toBeGreaterThanOrEqual(0)
  const end = html.indexOf('</table>', at)
  expect(end).toBeGreaterThan(at)
  return html.slice(at, end)
}

/** Text of every cell of the body row whose first cell is `first`. */
function rowCells(table: string, first: string): string[] {
  const row = table.match(new RegExp(`<tr><td[^>]*>${first}</td>(.*?)</tr>`))?.[1]
  expect(row, first).toBeDefined()
  return [...(row ?? '').matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) =>
    (m[1] ?? '').replace(/<[^>]+>/g, ''),
  )
}

const bodyRows = (table: string) =>
  ((table.split('<tbody>')[1] ?? '').split('</tbody>')[0] ?? '').match(/<tr>/g)?.length ?? 0

describe('Cohorts and KPIs section', () => {
  const html = render(kpis)

  it('shows every computed month of the customer matrix, not only the first year', () => {
    const customers = tableAfter(html, 'Customer retention by acquisition month')
    for (let j = 0; j < PERIODS; j++)
      expect(customers).toContain(`<th scope="col" class="num">${j}</th>`)
    const a = rowCells(customers, '2022-01')
    // size, then months 0..23: month 13 is 0.5 - 0.13, month 23 is 0.5 - 0.23
    expect(a).toHaveLength(1 + PERIODS)
    expect(a[0]).toBe('10')
    expect(a[1 + 13]).toBe('37%')
    expect(a[1 + 23]).toBe('27%')
    // and says where the columns stop: the insights' limit, not the data's end
    expect(html).toContain(
      `Columns are months since the acquisition month, 0 to ${PERIODS - 1}: the first ${PERIODS} months of each cohort`,
    )
  })

  it('shows the revenue matrix as a share of month-0 revenue, unobserved cells empty', () => {
    const revenue = tableAfter(html, 'Revenue retention by acquisition month')
    expect(bodyRows(revenue)).toBe(3)
    const a = rowCells(revenue, '2022-01')
    expect(a.slice(1, 4)).toEqual(['100%', '150%', '78%'])
    expect(a[1 + 23]).toBe('57%')
    const b = rowCells(revenue, '2023-11')
    expect(b.slice(1, 3)).toEqual(['100%', '60%'])
    expect(b.slice(3)).toEqual(Array(PERIODS - 2).fill(''))
    // no first-month revenue: nothing to compare against, so the month it lived through reads
    // n/a (not blank, which means "not reached yet"), and a note says it is out of the average
    expect(rowCells(revenue, '2023-12').slice(1)).toEqual(['n/a', ...Array(PERIODS - 1).fill('')])
    expect(html).toContain(
      'n/a: 1 cohort had no revenue above 0 in its first month (free first orders, or refunds as large as them), so no share of it can be given; it is left out of the all-cohort row.',
    )
    // the weighted average over cohorts closes the table, counting the customers it is over (not
    // the n/a cohort's 2)
    expect(revenue).toMatch(
      /<tfoot><tr><td>All cohorts<\/td><td class="num">14<\/td><td class="num">100%<\/td><td class="num">70%<\/td>/,
    )
  })

  it('lists the retention rate of each of the twelve months', () => {
    const t = tableAfter(html, 'Customer retention rate by month')
    expect(bodyRows(t)).toBe(12)
    expect(rowCells(t, '2023-01')).toEqual(['0', '2', '1', '12', '–'])
    expect(rowCells(t, '2023-02')).toEqual(['11', '2', '1', '13', '5.0%'])
    expect(rowCells(t, '2023-12')).toEqual(['21', '2', '1', '23', '55.0%'])
  })

  it('shows the share back within 30, 90, 180 and 365 days', () => {
    const t = tableAfter(html, 'Time to second purchase')
    expect(bodyRows(t)).toBe(4)
    expect(rowCells(t, '30 days')).toEqual(['12.0%'])
    expect(rowCells(t, '90 days')).toEqual(['34.0%'])
    expect(rowCells(t, '180 days')).toEqual(['50.0%'])
    expect(rowCells(t, '365 days')).toEqual(['62.5%'])
    expect(html).toContain('25 % by day 40, 50 % by day 180 (only 9 customers still waiting then).')
    expect(html).toContain('8 of 16 came back; only 9 customers still waiting at the median')
  })

  it('says so when orders carry no amounts or there are no cohorts', () => {
    const base = sampleSummary({ insights: insights(kpis) })
    const noAmounts = cohortsSection.render({
      ...base,
      revenue: { ...base.revenue, measured: false },
      insights: insights({
        ...kpis,
        retention: { ...kpis.retention, revenue: kpis.retention.revenue.map(() => null) },
      }),
    })
    expect(noAmounts).toContain('No cohort has revenue in its first month (orders without amounts)')
    expect(noAmounts).not.toContain('aria-label="Revenue retention by acquisition month"')
    // every cohort's first revenue month at 0 or below: the n/a rows, not "without amounts"
    const netNothing = render({
      ...kpis,
      retention: {
        ...kpis.retention,
        revenue: kpis.retention.revenue.map(() => null),
        noRevenueBase: kpis.retention.cohorts,
      },
    })
    expect(netNothing).not.toContain('orders without amounts')
    expect(netNothing).toContain('n/a: 3 cohorts had no revenue above 0 in their first month')
    const empty = render({
      ...kpis,
      retention: {
        ...kpis.retention,
        cohorts: [],
        sizes: [],
        customers: [],
        revenue: [],
      },
      secondPurchase: { ...kpis.secondPurchase, customers: 0, events: 0 },
    })
    expect(empty).toContain('No acquisition cohorts yet.')
    expect(empty).not.toMatch(/NaN|undefined|Infinity/)
    // a shop whose first month is the as-of month: a cohort, no month complete yet
    const young = render({
      ...kpis,
      retention: {
        ...kpis.retention,
        cohorts: ['2024-03'],
        sizes: [3],
        periods: 1,
        customers: [null],
        revenue: [null],
        averageCustomers: [null],
        averageRevenue: [null],
        noRevenueBase: [],
      },
    })
    expect(young).not.toContain('orders without amounts')
    expect(young.split('No acquisition month is complete yet').length - 1).toBe(2)
  })

  it("leaves the as-of month's cohort out of the all-cohort row's count, and says so", () => {
    const P = kpis.retention.periods
    const young = render({
      ...kpis,
      retention: {
        ...kpis.retention,
        cohorts: [...kpis.retention.cohorts, '2024-01'],
        sizes: [...kpis.retention.sizes, 5],
        customers: [...kpis.retention.customers, ...Array(P).fill(null)],
        revenue: [...kpis.retention.revenue, ...Array(P).fill(null)],
      },
    })
    const t = tableAfter(young, 'Customer retention by acquisition month')
    expect(t).toMatch(/<tfoot><tr><td>All cohorts<\/td><td class="num">16<\/td>/)
    expect(young).toContain(
      'The all-cohort row leaves out 5 customers of the as-of month, which is not complete yet',
    )
  })

  it('stays a self-contained page with the insights sections', () => {
    const page = renderReport(sampleSummary({ insights: insights(kpis) }), insightsSections())
    expect(page).toContain('<section id="cohorts-kpis">')
    expect(page).not.toMatch(/<script|<link|https?:\/\/|url\(/i)
    expect(page).not.toMatch(/NaN|undefined|Infinity/)
  })
})

describe('retentionTable', () => {
  it('shows the latest three years of cohorts and says where the rest are', () => {
    const n = 230
    const cohorts = Array.from({ length: n }, (_, i) => {
      const y = 2005 + Math.floor(i / 12)
      return `${y}-${String((i % 12) + 1).padStart(2, '0')}`
    })
    const t = retentionTable(
      {
        cohorts,
        sizes: Array<number>(n).fill(2),
        periods: 2,
        values: cohorts.flatMap(() => [1, 0.5]),
        average: [1, 0.5],
      },
      'x',
    )
    expect(SHOWN_COHORTS).toBe(36)
    expect((t.match(/<tr>/g) ?? []).length).toBe(1 + 36 + 1)
    expect(t).toContain('<td>2024-02</td>')
    expect(t).not.toContain(`<td>${cohorts[n - 37]}</td>`)
    expect(t).toContain(
      `The latest 36 of 230 cohorts; the 194 before ${cohorts[194]} are in cohorts.csv and in the all-cohort row.`,
    )
    // the all-cohort row counts every cohort
    expect(t).toContain('<td>All cohorts</td><td class="num">460</td>')
  })

  it('drops the trailing months no cohort has lived through yet', () => {
    const t = retentionTable(
      {
        cohorts: ['2024-01', '2024-02'],
        sizes: [3, 1],
        periods: 6,
        values: [1, 0.5, 1 / 3, null, null, null, 1, 0, null, null, null, null],
        average: [1, 0.5, 1 / 3, 0, 0, 0],
      },
      'x',
    )
    expect(t).toContain('<th scope="col" class="num">2</th>')
    expect(t).not.toContain('<th scope="col" class="num">3</th>')
    expect(rowCells(t, '2024-02')).toEqual(['1', '100%', '0%', ''])
  })

  it('prints at the size of the other tables when its months fit the page, smaller only when not', () => {
    // QA: every retention table printed at 7.5 px, 18 months that fit at 11 px among them
    const table = (months: number) =>
      retentionTable(
        {
          cohorts: ['2024-01'],
          sizes: [10],
          periods: months,
          values: Array.from({ length: months }, () => 0.5),
          average: Array.from({ length: months }, () => 0.5),
        },
        'x',
      )
    expect(table(18)).toContain('style="--print-font:11px"')
    expect(retentionPrintPx(20)).toBe(11)
    // 24 months (26 columns, 675 px at 7.8 px in Chromium) and 60 (the floor)
    expect(retentionPrintPx(26)).toBe(7.8)
    expect(table(24)).toContain('style="--print-font:7.8px"')
    expect(retentionPrintPx(62)).toBe(6.5)
  })
})

describe('cohort tables younger than the months they could show', () => {
  // the oldest cohort has lived 5 months (0-4); the second has no first-month revenue but lived 5
  // months too, while the oldest's revenue stops at month 3
  const young: CohortsKpis = {
    ...kpis,
    retention: {
      ...kpis.retention,
      cohorts: ['2024-01', '2024-02'],
      sizes: [10, 3],
      customers: grid([(j) => (j <= 4 ? 1 - j * 0.1 : null), (j) => (j <= 4 ? 0.5 : null)]),
      revenue: grid([(j) => (j <= 3 ? 1 - j * 0.1 : null), () => null]),
      noRevenueBase: ['2024-02'],
    },
  }
  const html = render(young)

  it('says the columns stop where the oldest cohort does, not at the 24-month limit', () => {
    expect(html).toContain(
      'Columns are months since the acquisition month, 0 to 4: as far as the oldest cohort has been seen (up to the first 24 months of each cohort are shown).',
    )
    expect(html).not.toContain('0 to 23')
  })

  it('shows the revenue table as far as the customers one: a month without a base is n/a, not cut', () => {
    const revenue = tableAfter(html, 'Revenue retention by acquisition month')
    expect(revenue).toContain('<th scope="col" class="num">4</th>')
    expect(rowCells(revenue, '2024-02')).toEqual(['3', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a'])
  })
})

describe('new-customer stickiness without the data to compare', () => {
  it('says which attribute the data lacks instead of a row of everyone', () => {
    const none = render({ ...kpis, stickinessMissing: ['campaign', 'channel'] })
    expect(none).toContain('No acquisition campaign or channel in the data: not compared.')
    expect(none).not.toContain('No new customers to follow yet.')
    const one = render({
      ...kpis,
      stickiness: [
        {
          attribute: 'channel',
          level: 'web',
          customers: 3,
          sticky: 1,
          rate: 1 / 3,
          lower: 0.06,
          upper: 0.79,
        },
      ],
      stickinessMissing: ['campaign'],
    })
    expect(one).toContain('>web<')
    expect(one).toContain('No acquisition campaign in the data: not compared.')
    expect(render(kpis)).toContain('No new customers to follow yet.')
  })
})
