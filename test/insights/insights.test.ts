// Insights on generated companies: each planted effect (docs/generator.md) must be found, and
// nothing must be reported on the same company generated without plants. KPIs are checked by hand
// on a four-customer dataset.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { computeAnalysis } from '../../src/service/analyze.ts'
import { computeInsights, type InsightsResult } from '../../src/service/insights/index.ts'
import { lapsedQuery } from '../../src/service/insights/lapsed-best.ts'
import { surveyQuery } from '../../src/service/insights/survey-lists.ts'
import { companyWorkspace, type TestCompany } from './company.ts'

const N = 6000
const SEED = 3

async function run(c: TestCompany): Promise<InsightsResult> {
  const a = await computeAnalysis(c.engine, { source: 'test', predictions: false, value: false })
  return computeInsights(c.engine, { asOf: a.asOf })
}

const hasPair = (items: readonly string[]) =>
  items.includes('category: Sunglasses') && items.includes('category: Lenses')

async function lapsedIds(r: InsightsResult): Promise<Set<string>> {
  const q = lapsedQuery(r.context)
  const rows = await r.context.engine.query<{ customer_id: string }>({
    sql: `SELECT customer_id FROM (${q.sql})`,
    params: q.params,
  })
  return new Set(rows.map((x) => x.customer_id))
}

describe('insights on a planted company', () => {
  let c: TestCompany
  let r: InsightsResult
  beforeAll(async () => {
    c = await companyWorkspace({ customers: N, seed: SEED })
    r = await run(c)
  })
  afterAll(() => c?.close())

  it("writes money in the orders' currency when called from code without one", () => {
    // the generated company's orders are in EUR: "first order value €492.62", not "492.62"
    const texts = JSON.stringify(r.summary)
    expect(/€\d/.test(texts)).toBe(true)
    expect(/first order value \d/.test(texts)).toBe(false)
  })

  it('ranks the planted Sunglasses + Lenses first basket as the top productive itemset', () => {
    const first = r.summary.pathToBest?.itemsets.find((s) => s.productive)
    expect(first).toBeDefined()
    expect(hasPair(first!.items)).toBe(true)
    expect(first!.qValue).toBeLessThan(0.01)
    expect(first!.lift).toBeGreaterThan(2)
    expect(first!.lower).toBeLessThanOrEqual(first!.rate)
    expect(first!.upper).toBeGreaterThanOrEqual(first!.rate)
  })

  it('finds region North in DE about 3x over-represented among the best (Holm p < 0.01)', () => {
    const north = r.summary.overIndex.significant.find(
      (l) => l.attribute === 'region' && l.level === 'DE / North',
    )
    expect(north).toBeDefined()
    expect(north!.index).toBeGreaterThan(220)
    expect(north!.index).toBeLessThan(420)
    expect(north!.pHolm).toBeLessThan(0.01)
  })

  it('lists most of the planted lapsed best customers', async () => {
    const planted = c.truth.lapsedBestIds
    expect(planted.length).toBeGreaterThan(10)
    const found = await lapsedIds(r)
    const hits = planted.filter((id) => found.has(id)).length
    expect(hits / planted.length).toBeGreaterThan(0.6)
    // ranked by value at stake, descending
    const v = r.summary.lapsedBest.list.map((l) => l.valueAtStake)
    expect(v).toEqual([...v].sort((a, b) => b - a))
  })

  it('validates rising stars on the later cohort with AUC > 0.6 and lists reasons', () => {
    const rs = r.summary.risingStars
    expect(rs).not.toBeNull()
    expect(rs!.validation.auc).toBeGreaterThan(0.6)
    expect(rs!.validation.precisionAtK).toBeGreaterThan(
      rs!.validation.positives / rs!.validation.customers,
    )
    expect(rs!.list.length).toBeGreaterThan(0)
    const threshold = r.summary.cohort.threshold!
    for (const s of rs!.list) {
      expect(s.value).toBeLessThan(threshold)
      expect(s.reasons.length).toBeGreaterThan(0)
      expect(s.reasons[0]!.contribution).toBeGreaterThan(0)
    }
    const p = rs!.list.map((s) => s.propensity)
    expect(p).toEqual([...p].sort((a, b) => b - a))
    // the propensities are of the later cohort: its mean one is its observed rate (the earlier
    // cohort's base rate made them about twice the rate)
    const bands = rs!.validation.calibration
    const n = bands.reduce((a, b) => a + b.n, 0)
    expect(n).toBe(rs!.validation.customers)
    const meanPredicted = bands.reduce((a, b) => a + b.n * b.meanPredicted, 0) / n
    expect(meanPredicted).toBeCloseTo(rs!.validation.positives / rs!.validation.customers, 6)
  })

  it('writes an ICP naming the planted region and basket', () => {
    const text = r.summary.icp.join(' ')
    expect(text).toContain('DE / North')
    // each item its label, quoted: 'first orders with category: Lenses + ...' ran the colons together
    expect(text).toMatch(
      /first orders with "category: Lenses" \+ "category: Sunglasses"|"category: Sunglasses" \+ "category: Lenses"/,
    )
  })

  it('measures every over-index share among all eligible customers, (none) a level', () => {
    const eligible = r.summary.cohort.eligible
    for (const l of r.summary.overIndex.levels) {
      expect(l.shareAll).toBeCloseTo(l.customers / eligible, 12)
    }
  })

  it('ranks first-to-second category paths that lead someone to the top', () => {
    const paths = r.summary.pathToBest!.paths
    expect(paths.length).toBeGreaterThan(0)
    for (const p of paths) {
      expect(p.second).toEqual(expect.any(String))
      expect(p.topCustomers).toBeGreaterThan(0)
      expect(p.customers).toBeGreaterThanOrEqual(r.summary.pathToBest!.minCount)
    }
    const lower = paths.map((p) => p.lower)
    expect(lower).toEqual([...lower].sort((a, b) => b - a))
  })

  it('skips rising stars when the early window is not shorter than the ranked history', async () => {
    const s = await computeInsights(c.engine, {
      asOf: r.summary.asOf,
      earlyDays: 365,
      minHistoryDays: 365,
    })
    expect(s.summary.risingStars).toBeNull()
    expect(s.summary.notes.join(' ')).toMatch(/--early-days 365\) must be shorter/)
  })

  it('says the profile could not be made when no customer has the history to rank', async () => {
    const s = await computeInsights(c.engine, { asOf: r.summary.asOf, minHistoryDays: 100_000 })
    expect(s.summary.cohort.eligible).toBe(0)
    expect(s.summary.icp).toEqual([
      'No top cohort could be ranked (no customer has the history it needs): there is no profile of the best customers yet.',
    ])
  })

  it('refuses a value expression over a column the table lacks, naming the columns', async () => {
    await expect(
      computeInsights(c.engine, { asOf: r.summary.asOf, value: 'nosuchcol + 1' }),
    ).rejects.toThrow(
      /invalid value expression "nosuchcol \+ 1": nosuchcol is not a column of the customers \(columns: .*revenue.*, T, t_x/,
    )
  })

  it('refuses library options out of range, naming the option (was NaN, or a silent empty list)', async () => {
    const cases: [Record<string, number>, string][] = [
      [{ lapsedMonths: 0 }, 'lapsedMonths must be a whole number of months from 1 to 1200, got 0'],
      [{ lapsedMonths: 2.5 }, 'lapsedMonths must be a whole number'],
      [{ pAliveThreshold: 1.5 }, 'pAliveThreshold must be a probability from 0 to 1, got 1.5'],
      [{ pAliveThreshold: Number.NaN }, 'pAliveThreshold must be a probability'],
      [{ listSize: 0 }, 'listSize must be a whole number from 1 to 1000, got 0'],
      [{ minCount: -1 }, 'minCount must be a whole number >= 1, got -1'],
      [{ minSupport: 1 }, 'minSupport must be a share from 0 up to (not including) 1, got 1'],
      [{ lapsedGapFactor: Number.POSITIVE_INFINITY }, 'lapsedGapFactor must be a number above 0'],
      [{ seed: -3 }, '--seed (seed) must be a whole number from 0 to 2147483646, got -3'],
      [{ topShare: 1 }, '--top-share (topShare) must be above 0 and below 1'],
    ]
    for (const [opt, msg] of cases) {
      await expect(computeInsights(c.engine, { asOf: r.summary.asOf, ...opt })).rejects.toThrow(msg)
    }
  })

  it('draws survey samples of at most the configured size per segment', () => {
    expect(r.summary.surveys.groups.length).toBeGreaterThan(3)
    for (const g of r.summary.surveys.groups) expect(g.sampled).toBeLessThanOrEqual(50)
  })
})

describe('insights on the same company without plants', () => {
  let c: TestCompany
  let r: InsightsResult
  let planted: TestCompany
  let rp: InsightsResult
  beforeAll(async () => {
    c = await companyWorkspace({ customers: N, seed: SEED, plants: [] })
    r = await run(c)
    planted = await companyWorkspace({ customers: N, seed: SEED })
    rp = await run(planted)
  })
  afterAll(async () => {
    await c?.close()
    await planted?.close()
  })

  it('reports no significant Sunglasses + Lenses basket', () => {
    const pair = r.summary.pathToBest?.itemsets.find(
      (s) => s.items.length === 2 && hasPair(s.items),
    )
    if (pair) expect(pair.qValue).toBeGreaterThan(0.01)
    expect(r.summary.icp.join(' ')).not.toMatch(/Lenses" \+ "category: Sunglasses/)
  })

  it('reports no over-indexed region North', () => {
    const north = r.summary.overIndex.significant.find((l) => l.level === 'DE / North')
    expect(north).toBeUndefined()
  })

  it('finds far fewer lapsed best customers than with the planted cohort', async () => {
    const without = r.summary.lapsedBest.customers
    const withPlant = rp.summary.lapsedBest.customers
    expect(withPlant - without).toBeGreaterThan(0.5 * planted.truth.lapsedBestIds.length)
    expect(c.truth.lapsedBestIds.length).toBe(0)
  })
})

type OrderRow = readonly [key: string, id: string, customer: string, day: string, amount: number]

/** [customer, day, amount] rows as the orders o0, o1, ... */
const numbered = (orders: readonly (readonly [string, string, number])[]): OrderRow[] =>
  orders.map(([c, d, a], i) => [`o${i}`, `o${i}`, c, d, a])

async function insertOrders(engine: Engine, orders: readonly OrderRow[]): Promise<void> {
  for (const [k, id, c, d, a] of orders) {
    await engine.exec({
      sql: `INSERT INTO orders (order_key, order_id, customer_id, ordered_at, order_date, amount)
            VALUES ($1, $2, $3, CAST($4 AS TIMESTAMP), CAST($4 AS DATE), $5)`,
      params: [k, id, c, d, a],
    })
  }
}

/** Insights as of `asOf` on hand-written orders. */
async function handInsights(
  engine: Engine,
  orders: readonly OrderRow[],
  asOf: string,
): Promise<InsightsResult> {
  await insertOrders(engine, orders)
  const a = await computeAnalysis(engine, {
    source: 'hand',
    asOf,
    predictions: false,
    value: false,
  })
  return computeInsights(engine, { asOf: a.asOf, minHistoryDays: 0 })
}

describe('a ranking value the same for every customer', () => {
  it('is refused as --value, said in a note by default (the top cohort was the first ids)', async () => {
    const engine = await openWorkspace(':memory:')
    try {
      // every customer spent 25 once: revenue ranks nobody
      const orders = numbered([
        ['C1', '2024-01-05', 25],
        ['C10', '2024-02-05', 25],
        ['C2', '2024-03-05', 25],
        ['C3', '2024-03-15', 25],
      ])
      const r = await handInsights(engine, orders, '2024-06-30')
      expect(r.summary.notes.join(' ')).toContain(
        'Every one of the 4 customers eligible to be ranked has the same value (25) by the default ranking value (revenue): the top cohort is the first customer ids, and what follows from it (path to best, over-index, rising stars, lapsed best, the profile) says nothing about them. Nothing in the orders tells them apart yet: revenue and the number of orders are the same for all of them too.',
      )
      // the KPIs stand
      expect(r.summary.kpis.repeatRate.customers).toBe(4)
      await expect(
        computeInsights(engine, { asOf: '2024-06-30', minHistoryDays: 0, value: 'orders * 2' }),
      ).rejects.toThrow(
        '--value "orders * 2" gives every one of the 4 customers eligible to be ranked the same value (2): it tells the best customers from nobody, and the top cohort would be the first customer ids. Nothing in the orders tells them apart yet: revenue and the number of orders are the same for all of them too',
      )
      // only the eligible count: C3 spends more but is too new to be ranked
      await insertOrders(engine, [['x1', 'x1', 'C3', '2024-04-01', 10]])
      await computeAnalysis(engine, {
        source: 'hand',
        asOf: '2024-06-30',
        predictions: false,
        value: false,
      })
      await expect(
        computeInsights(engine, { asOf: '2024-06-30', minHistoryDays: 110, value: 'revenue' }),
      ).rejects.toThrow(
        'gives every one of the 3 customers eligible to be ranked the same value (25)',
      )
      const ok = await computeInsights(engine, {
        asOf: '2024-06-30',
        minHistoryDays: 0,
        value: 'revenue',
      })
      expect(ok.summary.notes.join(' ')).not.toMatch(/same value/)
    } finally {
      await engine.close()
    }
  })

  it('suggests a value that tells the customers apart, and only such a one', async () => {
    const engine = await openWorkspace(':memory:')
    try {
      // the same 25 each, C1 and C2 in two orders: orders ranks them, revenue does not
      const orders = numbered([
        ['C1', '2024-01-05', 10],
        ['C1', '2024-01-20', 15],
        ['C2', '2024-02-05', 20],
        ['C2', '2024-03-01', 5],
        ['C3', '2024-03-15', 25],
      ])
      const r = await handInsights(engine, orders, '2024-06-30')
      expect(r.summary.notes.join(' ')).toContain(
        'says nothing about them. Rank them with --value (the `value` option in the library), such as --value orders.',
      )
      await expect(
        computeInsights(engine, { asOf: '2024-06-30', minHistoryDays: 0, value: 'revenue * 2' }),
      ).rejects.toThrow(
        'the top cohort would be the first customer ids. Rank by an expression that differs between customers, such as orders',
      )
    } finally {
      await engine.close()
    }
  })
})

describe('KPIs on a hand-checked dataset', () => {
  it('computes repeat rate, time to second purchase, retention matrix, rate and stickiness', async () => {
    const engine = await openWorkspace(':memory:')
    try {
      const orders: [string, string, number][] = [
        ['A', '2024-01-05', 100],
        ['A', '2024-01-20', 50],
        ['A', '2024-03-10', 30],
        ['B', '2024-01-10', 200],
        ['C', '2024-02-01', 80],
        ['C', '2024-06-01', 40],
        ['D', '2024-02-15', 60],
      ]
      const r = await handInsights(engine, numbered(orders), '2024-06-30')
      // an as-of past the last order is said, as analyze says it (insights said nothing)
      expect(r.summary.notes.join(' ')).toContain(
        'The as-of date 2024-06-30 is 29 days after the last order in the data (2024-06-01): lapsed best (silence against the usual gap), the rising stars and the retention figures count those days as time without purchases',
      )
      const k = r.summary.kpis
      expect(k.repeatRate.customers).toBe(4)
      expect(k.repeatRate.repeaters).toBe(2)
      expect(k.repeatRate.estimate).toBe(0.5)
      // second purchase: A after 15 days, C after 121; B (172 days) and D (136) censored
      expect(k.secondPurchase.events).toBe(2)
      expect(k.secondPurchase.medianDays).toBe(121)
      // retention matrix: 2024-01 = {A, B}: months 0, 1, 2 -> 2, 0, 1; 2024-02 = {C, D}: month 4 -> 1
      const m = k.retention
      expect(m.cohorts).toEqual(['2024-01', '2024-02'])
      expect(m.sizes).toEqual([2, 2])
      const at = (c: number, p: number) => m.customers[c * m.periods + p]
      expect([at(0, 0), at(0, 1), at(0, 2)]).toEqual([1, 0, 0.5])
      expect([at(1, 0), at(1, 3), at(1, 4)]).toEqual([1, 0, 0.5])
      expect(at(0, 6)).toBeNull() // July 2024 is after asOf
      expect(at(1, 5)).toBeNull()
      // (E - N) / S: February: S = 2 (A, B), E = 4, N = 2 -> 1; June: S = E = 4, N = 0 -> 1
      const feb = k.retentionRate.find((x) => x.month === '2024-02')!
      expect([feb.start, feb.end, feb.acquired, feb.rate]).toEqual([2, 4, 2, 1])
      const jun = k.retentionRate.find((x) => x.month === '2024-06')!
      expect([jun.start, jun.end, jun.acquired, jun.rate]).toEqual([4, 4, 0, 1])
      const jan = k.retentionRate.find((x) => x.month === '2024-01')!
      expect(jan.rate).toBeNull() // nobody was a customer before January
      // as of June 30 the last 12 whole months run July 2023 .. June 2024, June included; the
      // months before the first customer (July to December 2023) had nobody and are left out
      expect(k.retentionRate.map((x) => x.month)).toEqual(
        Array.from({ length: 6 }, (_, i) => `2024-0${i + 1}`),
      )
      // stickiness: the orders have no channel or campaign: nothing to compare (one "(none)" row
      // per attribute repeated the overall rate beside a note saying there was no such data)
      expect(k.stickiness).toEqual([])
      expect(k.stickinessMissing).toEqual(['campaign', 'channel'])
      expect(r.summary.notes.join(' ')).toMatch(/No surveys table/)
      // with a channel on A's, B's and C's orders: all four observed >= 90 days, only A came
      // back within 90; D, without one, is the "(none)" level; campaign is still missing
      await engine.exec("UPDATE orders SET channel = 'web' WHERE customer_id <> 'D'")
      const k2 = (await computeInsights(engine, { asOf: '2024-06-30', minHistoryDays: 0 })).summary
        .kpis
      expect(k2.stickinessMissing).toEqual(['campaign'])
      expect(k2.stickiness.map((s) => [s.attribute, s.level, s.customers, s.sticky])).toEqual([
        ['channel', 'web', 3, 1],
        ['channel', '(none)', 1, 0],
      ])
      const web = k2.stickiness[0]!
      expect(web.lower).toBeLessThan(1 / 3)
      expect(web.upper).toBeGreaterThan(1 / 3)
    } finally {
      await engine.close()
    }
  })
})

describe('customer retention rate a year after the last purchase', () => {
  it('lists the last 12 months with a null rate, not an empty list, when nobody bought in them', async () => {
    const engine = await openWorkspace(':memory:')
    try {
      const orders: [string, string, number][] = [
        ['A', '2022-03-05', 100],
        ['A', '2022-04-20', 50],
        ['B', '2022-05-10', 200],
      ]
      const r = await handInsights(engine, numbered(orders), '2024-06-30')
      const rr = r.summary.kpis.retentionRate
      // July 2023 .. June 2024: customers bought long before, nobody was one in these months
      expect(rr.map((x) => x.month)).toEqual([
        ...Array.from({ length: 6 }, (_, i) => `2023-${String(i + 7).padStart(2, '0')}`),
        ...Array.from({ length: 6 }, (_, i) => `2024-0${i + 1}`),
      ])
      expect(rr.every((x) => x.start === 0 && x.end === 0 && x.rate === null)).toBe(true)
    } finally {
      await engine.close()
    }
  })
})

describe('customer retention rate with a lapsed customer coming back', () => {
  it('counts the comeback as reactivated, not retained: the rate is |E ∩ S| / S, at most 1', async () => {
    const engine = await openWorkspace(':memory:')
    try {
      const orders: [string, string, number][] = [
        ['A', '2023-01-05', 100],
        ['L', '2023-02-01', 300], // a customer up to 2024-01-31 ...
        ['L', '2024-06-01', 300], // ... back in June, after four months away
        ['M', '2024-05-01', 10],
      ]
      const r = await handInsights(engine, numbered(orders), '2024-06-30')
      const month = (m: string) => {
        const x = r.summary.kpis.retentionRate.find((y) => y.month === m)!
        return [x.start, x.end, x.acquired, x.reactivated, x.rate]
      }
      // June: S = {M}, E = {M, L}; L is no new customer but was not one on May 31 either
      expect(month('2024-06')).toEqual([1, 2, 0, 1, 1])
      // May: nobody at the start, M acquired
      expect(month('2024-05')).toEqual([0, 1, 1, 0, null])
      // January: S = {A, L}, E = {L}: A lapses on 2024-01-05 (365 days after its order)
      expect(month('2024-01')).toEqual([2, 1, 0, 0, 0.5])
    } finally {
      await engine.close()
    }
  })
})

describe('insights count the purchase days the summary counts', () => {
  it('a $0 order is a purchase, a day whose orders were all refunded (that day or later) is not', async () => {
    const engine = await openWorkspace(':memory:')
    try {
      const orders: OrderRow[] = [
        ['e1', 'e1', 'E', '2024-01-03', 0], // E's only order is free
        ['f1', 'f1', 'F', '2024-01-04', 50],
        ['f2', 'f2', 'F', '2024-02-10', 0], // F comes back for a free order
        ['g1', 'g1', 'G', '2024-01-05', 40],
        ['g2', 'g2', 'G', '2024-03-01', 30],
        // ... and G's return visit is refunded four days later: netted into its order's day
        ['g2:refund:1', 'g2', 'G', '2024-03-05', -30],
      ]
      await insertOrders(engine, orders)
      const a = await computeAnalysis(engine, {
        source: 'hand',
        asOf: '2024-06-30',
        predictions: false,
        value: false,
      })
      expect(a.counts).toMatchObject({ customers: 3, repeatCustomers: 1 })
      const r = await computeInsights(engine, { asOf: a.asOf, minHistoryDays: 0 })
      const k = r.summary.kpis
      // the same repeaters as the summary: F only
      expect([k.repeatRate.customers, k.repeatRate.repeaters]).toEqual([3, 1])
      // one second purchase (F's free order); 2 of 3 never come back: no median
      expect(k.secondPurchase.events).toBe(1)
      // every customer is active in their first month (E's free order too); February: F; March: none
      const m = k.retention
      expect(m.cohorts).toEqual(['2024-01'])
      const at = (p: number) => m.customers[p]
      expect([at(0), at(1), at(2)]).toEqual([1, 1 / 3, 0])
    } finally {
      await engine.close()
    }
  })

  it('a $0 order beside an order refunded in full is a purchase day, as the summary counts it', async () => {
    const engine = await openWorkspace(':memory:')
    try {
      const orders: OrderRow[] = [
        ['s1', 's1', 'S', '2025-02-01', 20],
        ['s1:refund:1', 's1', 'S', '2025-02-03', -20], // S's paid order refunded in full ...
        ['s2', 's2', 'S', '2025-02-01', 0], // ... beside a free one on the same day
        ['s3', 's3', 'S', '2025-03-01', 10],
        ['u1', 'u1', 'U', '2025-01-02', 30],
        ['u2', 'u2', 'U', '2025-02-02', 30],
      ]
      await insertOrders(engine, orders)
      const a = await computeAnalysis(engine, {
        source: 'hand',
        asOf: '2025-03-31',
        predictions: false,
        value: false,
      })
      const [s] = await engine.query<{ first_purchase: string; purchase_days: number }>({
        sql: "SELECT CAST(first_purchase AS VARCHAR) AS first_purchase, purchase_days FROM customer_summary WHERE customer_id = 'S'",
      })
      expect([s?.first_purchase, Number(s?.purchase_days)]).toEqual(['2025-02-01', 2])
      const r = await computeInsights(engine, { asOf: a.asOf, minHistoryDays: 0 })
      const m = r.summary.kpis.retention
      expect(m.cohorts).toEqual(['2025-01', '2025-02'])
      // S (the February cohort's row) buys in its own first month and in March
      const feb = m.periods
      expect(m.customers.slice(feb, feb + 2)).toEqual([1, 1])
      expect(m.averageCustomers[0]).toBe(1)
    } finally {
      await engine.close()
    }
  })

  it('nets refunds in the revenue matrix as revenue nets them, one naming no order in its own month', async () => {
    const engine = await openWorkspace(':memory:')
    try {
      const r = await handInsights(
        engine,
        [
          ['h1', 'h1', 'H', '2024-01-05', 100],
          ['h1:refund:1', 'h1', 'H', '2024-02-10', -30], // refunds January's order: in January
          ['h2', 'h2', 'H', '2024-03-01', 50],
          ['x1', 'x9', 'H', '2024-03-20', -20], // names no order of H's: in March, its own month
        ],
        '2024-06-30',
      )
      const m = r.summary.kpis.retention
      expect(m.cohorts).toEqual(['2024-01'])
      // January 70, February nothing, March 30: the 100 of the customer's revenue
      expect(m.revenue.slice(0, 3)).toEqual([1, 0, 30 / 70])
      const [h] = await engine.query<{ revenue: number }>({
        sql: 'SELECT revenue FROM insights_base',
      })
      expect(h?.revenue).toBe(100)
      // the refund is no purchase: H is active in January and March only
      expect(m.customers.slice(0, 3)).toEqual([1, 0, 1])
    } finally {
      await engine.close()
    }
  })
})

describe('survey samples leave recent respondents to rest', () => {
  it('does not draw a customer who answered in the rest window up to the as-of date', async () => {
    const engine = await openWorkspace(':memory:')
    try {
      // six one-order customers; as of 2024-06-30 with 90 days' rest the window is
      // 2024-04-02 .. 2024-06-30: A (06-20) and B (04-02) rest, C (04-01, one day too early),
      // D (07-05, after the as-of date) and E, F (no answer) are drawn
      const orders: [string, string, number][] = ['A', 'B', 'C', 'D', 'E', 'F'].map((c, i) => [
        c,
        `2024-0${1 + i}-10`,
        10 * (i + 1),
      ])
      await insertOrders(engine, numbered(orders))
      const answers: [string, string][] = [
        ['A', '2024-06-20'],
        ['A', '2023-01-01'],
        ['B', '2024-04-02'],
        ['C', '2024-04-01'],
        ['D', '2024-07-05'],
      ]
      for (const [i, [c, d]] of answers.entries()) {
        await engine.exec({
          sql: `INSERT INTO survey_responses (response_key, customer_id, responded_at,
                  responded_date, nps) VALUES ($1, $2, CAST($3 AS TIMESTAMP), CAST($3 AS DATE), 9)`,
          params: [`r${i}`, c, d],
        })
      }
      const a = await computeAnalysis(engine, {
        source: 'hand',
        asOf: '2024-06-30',
        predictions: false,
        value: false,
      })
      const drawn = async (opts: { surveyRestDays?: number }) => {
        const r = await computeInsights(engine, { asOf: a.asOf, minHistoryDays: 0, ...opts })
        const q = surveyQuery(r.context)
        const rows = await engine.query<{ customer_id: string }>(q)
        const sum = (k: 'sampled' | 'resting') =>
          r.summary.surveys.groups.reduce((s, g) => s + g[k], 0)
        return {
          ids: rows.map((x) => x.customer_id).sort(),
          sampled: sum('sampled'),
          resting: sum('resting'),
          restDays: r.summary.surveys.restDays,
        }
      }
      expect(await drawn({})).toEqual({
        ids: ['C', 'D', 'E', 'F'],
        sampled: 4,
        resting: 2,
        restDays: 90,
      })
      expect(await drawn({ surveyRestDays: 0 })).toEqual({
        ids: ['A', 'B', 'C', 'D', 'E', 'F'],
        sampled: 6,
        resting: 0,
        restDays: 0,
      })
      for (const bad of [-1, 1.5, 99_999_999_999]) {
        await expect(
          computeInsights(engine, { asOf: a.asOf, surveyRestDays: bad }),
        ).rejects.toThrow(
          `--survey-rest-days (surveyRestDays) must be a whole number of days from 0 to 36525 (a century), got ${bad}`,
        )
      }
    } finally {
      await engine.close()
    }
  })
})
