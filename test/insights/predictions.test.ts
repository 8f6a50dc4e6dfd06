// Insights with the whole analysis on (predictions, whole-customer value, tiers) and every input
// imported (returns, surveys, tickets, engagement): the top cohort is ranked by total_value, rising
// stars are judged against it, lapsed best uses P(alive) and the top tier, KPIs split by tier. The
// planted effects (docs/generator.md) must still be found, and not on the company without plants.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { computeAnalysis } from '../../src/service/analyze.ts'
import { computeInsights, type InsightsResult } from '../../src/service/insights/index.ts'
import { companyWorkspace, type TestCompany } from './company.ts'

const N = 6000
const SEED = 3
const EXTRA = ['returns', 'surveys', 'tickets', 'engagement'] as const

async function run(c: TestCompany): Promise<InsightsResult> {
  const a = await computeAnalysis(c.engine, { source: 'test' })
  return computeInsights(c.engine, { asOf: a.asOf })
}

const hasPair = (items: readonly string[]) =>
  items.includes('category: Sunglasses') && items.includes('category: Lenses')

// the planted run, for the comparison in the second block (vitest runs a file's blocks in order)
let plantedRun: { result: InsightsResult; plantedIds: number } | undefined

describe('insights with predictions, value and tiers on a planted company', () => {
  let c: TestCompany
  let r: InsightsResult
  beforeAll(async () => {
    c = await companyWorkspace({ customers: N, seed: SEED, extra: EXTRA })
    r = await run(c)
    plantedRun = { result: r, plantedIds: c.truth.lapsedBestIds.length }
  }, 300_000)
  afterAll(() => c?.close())

  it('ranks the top cohort by total_value among customers with a year of history', async () => {
    const k = r.summary.cohort
    expect(k.valueExpression).toBe('total_value')
    const [x] = await c.engine.query<{ eligible: number; above: number; min_top: number }>({
      sql: `SELECT count(*) FILTER (WHERE tenure_days >= 365) AS eligible,
        count(*) FILTER (WHERE tenure_days >= 365 AND total_value > $1) AS above
        FROM customer_analysis`,
      params: [k.threshold],
    })
    expect(k.eligible).toBe(x!.eligible)
    expect(k.top).toBe(Math.floor(0.1 * x!.eligible))
    // everyone strictly above the threshold is in the cohort (ties at the threshold may not be)
    expect(x!.above).toBeLessThanOrEqual(k.top)
    expect(x!.above).toBeGreaterThanOrEqual(k.top - 2)
  })

  it('lists rising stars by propensity whose total value (history + prediction) is below the top', async () => {
    const rs = r.summary.risingStars
    expect(rs).not.toBeNull()
    expect(rs!.validation.auc).toBeGreaterThan(0.7)
    expect(rs!.validation.liftAtK).toBeGreaterThan(2)
    const threshold = r.summary.cohort.threshold!
    const stars = r.risingStars
    expect(stars.length).toBeGreaterThan(100)
    const p = stars.map((s) => s.propensity)
    expect(p).toEqual([...p].sort((a, b) => b - a))
    const rows = await c.engine.query<{ customer_id: string; total_value: number; tenure: number }>(
      {
        sql: `SELECT customer_id, total_value, tenure_days AS tenure FROM customer_analysis
          WHERE list_contains(string_split($1, ','), customer_id)`,
        params: [stars.map((s) => s.customerId).join(',')],
      },
    )
    const byId = new Map(rows.map((x) => [x.customer_id, x]))
    for (const s of stars) {
      const row = byId.get(s.customerId)!
      expect(s.value).toBeCloseTo(row.total_value, 6)
      expect(s.value).toBeLessThan(threshold)
      expect(row.tenure).toBeLessThan(365) // not yet eligible: a new customer
      expect(row.tenure).toBeGreaterThanOrEqual(30)
    }
  })

  it('over-represents the planted first basket among the highest-propensity stars', async () => {
    const [x] = await c.engine.query<{ all_share: number; star_share: number }>({
      sql: `WITH f AS (
          SELECT x.customer_id,
            list_has_all(f.first_categories, ['Sunglasses', 'Lenses']) AS pair
          FROM insights_features x JOIN insights_first f ON f.cidx = x.cidx
          WHERE x.split = 'candidate')
        SELECT avg(CAST(pair AS DOUBLE)) AS all_share,
          avg(CAST(pair AS DOUBLE)) FILTER (WHERE list_contains(string_split($1, ','), customer_id))
            AS star_share
        FROM f`,
      params: [
        r.risingStars
          .slice(0, 100)
          .map((s) => s.customerId)
          .join(','),
      ],
    })
    expect(x!.all_share).toBeGreaterThan(0.01)
    expect(x!.star_share).toBeGreaterThan(2.5 * x!.all_share)
    const combo = r.summary.risingStars!.features.find((f) =>
      f.name.startsWith('first_order_combo'),
    )
    expect(combo?.name).toBe('first_order_combo=Lenses+Sunglasses')
    expect(combo!.coefficient).toBeGreaterThan(0)
  })

  it('still finds the planted basket and region when ranking by total value', () => {
    const first = r.summary.pathToBest?.itemsets.find((s) => s.productive)
    expect(hasPair(first!.items)).toBe(true)
    expect(first!.qValue).toBeLessThan(0.01)
    const north = r.summary.overIndex.significant.find(
      (l) => l.attribute === 'region' && l.level === 'DE / North',
    )
    expect(north!.index).toBeGreaterThan(220)
    expect(north!.pHolm).toBeLessThan(0.01)
  })

  it('finds the planted lapsed best mostly through P(alive) and the gap, and every lapsed top-tier customer', async () => {
    const lb = r.summary.lapsedBest
    expect(lb.pAliveThreshold).toBe(0.3)
    for (const l of lb.list) {
      if (l.reason === 'gap') expect(l.pAlive ?? 1).toBeGreaterThanOrEqual(0.3)
      else expect(l.pAlive!).toBeLessThan(0.3)
    }
    const planted = c.truth.lapsedBestIds
    const found = await c.engine.query<{ customer_id: string; reason: string }>(
      'SELECT customer_id, reason FROM insights_lapsed',
    )
    const reason = new Map(found.map((x) => [x.customer_id, x.reason]))
    const hits = planted.filter((id) => reason.has(id))
    expect(hits.length / planted.length).toBeGreaterThan(0.6)
    expect(hits.some((id) => reason.get(id) !== 'gap')).toBe(true)
    // the model sees them fading: lower P(alive) than the other customers of the top cohort
    const [pa] = await c.engine.query<{ planted: number; others: number }>({
      sql: `SELECT avg(p_alive) FILTER (WHERE list_contains(string_split($1, ','), customer_id))
          AS planted,
        avg(p_alive) FILTER (WHERE NOT list_contains(string_split($1, ','), customer_id)) AS others
        FROM insights_base WHERE top`,
      params: [planted.join(',')],
    })
    expect(pa!.planted).toBeLessThan(pa!.others - 0.2)
    // top tier = the tier of the most valuable customer; its members with P(alive) < 0.3 are listed
    const [t] = await c.engine.query<{ tier: string; missing: number; members: number }>(`
      WITH tt AS (SELECT arg_max(tier, total_value) AS tier FROM customer_analysis)
      SELECT (SELECT tier FROM tt) AS tier,
        count(*) FILTER (WHERE customer_id NOT IN (SELECT customer_id FROM insights_lapsed))
          AS missing, count(*) AS members
      FROM customer_analysis
      WHERE tier = (SELECT tier FROM tt) AND p_alive < 0.3 AND first_purchase IS NOT NULL`)
    expect(t!.tier).toBe('Platinum')
    expect(t!.members).toBeGreaterThan(0)
    expect(t!.missing).toBe(0)
  })

  it('splits NPS, CES, ticket resolution and return rate by tier; NPS rises with the tier', () => {
    const k = r.summary.kpis
    for (const kpi of [k.nps, k.ces, k.ticketResolution, k.returnRate]) {
      expect(kpi).not.toBeNull()
      const tiers = kpi!.filter((g) => g.kind === 'tier').map((g) => g.group)
      // in value order, the best first (they came alphabetically: Bronze, Gold, Platinum, Silver)
      expect(tiers).toEqual(['Platinum', 'Gold', 'Silver', 'Bronze'])
    }
    // the generator makes NPS track value (docs/generator.md): Platinum well above Bronze
    const nps = (t: string) => k.nps!.find((g) => g.kind === 'tier' && g.group === t)!
    expect(nps('Platinum').lower!).toBeGreaterThan(nps('Bronze').upper!)
    expect(r.summary.surveys.groups.filter((g) => g.kind === 'tier')).toHaveLength(4)
  })
})

describe('insights with predictions and value on the company without plants', () => {
  let c: TestCompany
  let r: InsightsResult
  beforeAll(async () => {
    c = await companyWorkspace({ customers: N, seed: SEED, plants: [], extra: EXTRA })
    r = await run(c)
  }, 300_000)
  afterAll(() => c?.close())

  it('reports no planted basket, region or combination feature', () => {
    const pair = r.summary.pathToBest?.itemsets.find(
      (s) => s.items.length === 2 && hasPair(s.items),
    )
    if (pair) expect(pair.qValue).toBeGreaterThan(0.01)
    const north = r.summary.overIndex.significant.find((l) => l.level === 'DE / North')
    expect(north).toBeUndefined()
    const names = r.summary.risingStars?.features.map((f) => f.name) ?? []
    expect(names).not.toContain('first_order_combo=Lenses+Sunglasses')
  })

  it('finds far fewer lapsed best customers than with the planted cohort', () => {
    expect(c.truth.lapsedBestIds.length).toBe(0)
    expect(plantedRun).toBeDefined()
    const withPlant = plantedRun!.result.summary.lapsedBest.customers
    expect(withPlant - r.summary.lapsedBest.customers).toBeGreaterThan(0.5 * plantedRun!.plantedIds)
  })
})
