// The revenue ranking runs on one engine thread while the models are fitted: the analysis table and
// the concentration come out as without predictions, and the engine gets its thread count back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { computeAnalysis } from '../../src/service/analyze.ts'

interface RankRow extends Record<string, unknown> {
  customer_id: string
  revenue_rank: number
  revenue_decile: number
  cumulative_revenue_share: number
}

const threads = async (engine: Engine): Promise<number> =>
  Number(
    (await engine.query<{ t: number }>("SELECT current_setting('threads') AS t"))[0]?.t ??
      Number.NaN,
  )

describe('ranking beside the model fits', () => {
  let engine: Engine
  beforeAll(async () => {
    engine = await openWorkspace(':memory:')
    // 1,500 customers over a year, ties in revenue (amounts from a short cycle) and a holdout
    await engine.exec(`INSERT INTO orders (order_key, customer_id, ordered_at, order_date, amount)
      SELECT 'k' || i, 'c' || (i % 1500), TIMESTAMP '2024-01-01' + INTERVAL (d) DAY,
        DATE '2024-01-01' + d, 5 + i % 7
      FROM (SELECT i, CAST((i % 1500) % 90 + (hash(i) % 270) AS INTEGER) AS d FROM range(9000) t(i))`)
    await engine.exec('SET threads = 3')
  })
  afterAll(async () => {
    await engine.close()
  })

  const ranks = (): Promise<RankRow[]> =>
    engine.query<RankRow>(
      'SELECT customer_id, revenue_rank, revenue_decile, cumulative_revenue_share FROM customer_analysis',
    )

  it('ranks as without predictions and sets the thread count back', async () => {
    const asOf = '2024-10-31'
    const plain = await computeAnalysis(engine, {
      source: 'test',
      asOf,
      predictions: false,
      value: false,
    })
    const plainRanks = await ranks()
    const withFits = await computeAnalysis(engine, { source: 'test', asOf, value: false })
    expect(withFits.predictions?.model).toBeTruthy()
    expect(await threads(engine)).toBe(3)
    const fitRanks = await ranks()
    // stored in rank order, 1..n, the same customers at the same ranks
    expect(fitRanks.map((r) => r.revenue_rank)).toEqual(fitRanks.map((_, i) => i + 1))
    expect(fitRanks).toEqual(plainRanks)
    expect(fitRanks.at(-1)?.cumulative_revenue_share).toBe(1)
    expect(withFits.concentration.revenue).toEqual(plain.concentration.revenue)
    // the session's ranking table is gone
    const [t] = await engine.query<{ n: number }>(
      "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'revenue_ranks'",
    )
    expect(Number(t?.n)).toBe(0)
  })

  it('on one engine thread runs the ranking in its step', async () => {
    await engine.exec('SET threads = 1')
    const s = await computeAnalysis(engine, { source: 'test', asOf: '2024-10-31', value: false })
    expect(s.predictions?.model).toBeTruthy()
    expect(await threads(engine)).toBe(1)
    const r = await ranks()
    expect(r.map((x) => x.revenue_rank)).toEqual(r.map((_, i) => i + 1))
    await engine.exec('SET threads = 3')
  })
})
