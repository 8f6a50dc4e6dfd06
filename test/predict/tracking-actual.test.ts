// The two counts of the tracking curve's actual repeat purchases agree: the general one
// (distinct customer days) and the one that deduplicates only customers with several orders a day.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import {
  refundRows,
  trackingActual,
  trackingActualNoRefunds,
} from '../../src/data/queries/prediction-tracking.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { buildPredictions } from '../../src/service/predict.ts'
import { buildCustomerSummary } from '../../src/service/summary.ts'

describe('tracking actual without refunds', () => {
  let engine: Engine
  beforeAll(async () => {
    engine = await openWorkspace(':memory:')
    // 400 customers over 200 days; about one order in four shares its day with another order
    await engine.exec(`INSERT INTO orders (order_key, customer_id, ordered_at, order_date, amount)
      SELECT 'k' || i, 'c' || (i % 400), TIMESTAMP '2024-01-01' + INTERVAL (d) DAY,
        DATE '2024-01-01' + d, 5 + i % 11
      FROM (SELECT i, CAST((i % 400) % 30 + (hash(i) % 170) AS INTEGER) AS d FROM range(6000) t(i))`)
  })
  afterAll(async () => {
    await engine.close()
  })

  it('counts the same repeat purchase days per period as the general query', async () => {
    const info = await buildCustomerSummary(engine, { unit: 'week' })
    const [f] = await engine.query<{ s: string; e: string; x: number; dup: number }>(`
      SELECT strftime(min(first_purchase), '%Y-%m-%d') AS s, strftime(max(last_purchase), '%Y-%m-%d') AS e,
        sum(x) AS x, sum(orders - purchase_days) AS dup FROM ${info.table}`)
    expect(f!.dup).toBeGreaterThan(100)
    const [r] = await engine.query<{ n: number }>(refundRows('duckdb', {}))
    expect(r!.n).toBe(0)
    for (const unitDays of [1, 7, 30.4375]) {
      const q = { summary: info.table, start: f!.s, end: info.asOf, unitDays }
      const exact = await engine.query(trackingActual('duckdb', q))
      const fast = await engine.query(trackingActualNoRefunds('duckdb', q))
      expect(fast).toEqual(exact)
      expect(fast.reduce((a, row) => a + Number(row.purchases), 0)).toBe(f!.x)
    }
    const p = await buildPredictions(engine, info)
    expect(p.tracking.points.at(-1)!.actual).toBe(f!.x)
  })

  it('with refunds, the predictions fall back to the general count', async () => {
    await engine.exec(`INSERT INTO orders (order_key, order_id, customer_id, ordered_at, order_date, amount)
      VALUES ('r1', 'x1', 'c7', TIMESTAMP '2024-03-01', DATE '2024-03-01', -3)`)
    const [r] = await engine.query<{ n: number }>(refundRows('duckdb', {}))
    expect(r!.n).toBe(1)
    const info = await buildCustomerSummary(engine, { unit: 'week' })
    const p = await buildPredictions(engine, info)
    const exact = await engine.query<{ period: number; purchases: number }>(
      trackingActual('duckdb', {
        summary: info.table,
        start: p.tracking.start,
        end: info.asOf,
        unitDays: 7,
      }),
    )
    let cum = 0
    const curve = p.tracking.points.map((pt) => {
      cum += exact.find((e) => e.period === pt.period)?.purchases ?? 0
      return cum
    })
    expect(p.tracking.points.map((pt) => pt.actual)).toEqual(curve)
  })

  it('a day refunded in full (the same day or later) is no purchase day on the curve either', async () => {
    // c3's orders of one day, refunded in full a week later; c5's partly refunded
    await engine.exec(`INSERT INTO orders (order_key, order_id, customer_id, ordered_at, order_date, amount)
      VALUES ('f1', 'full', 'c3', TIMESTAMP '2024-05-01', DATE '2024-05-01', 40),
             ('f2', 'full', 'c3', TIMESTAMP '2024-05-08', DATE '2024-05-08', -40),
             ('p1', 'part', 'c5', TIMESTAMP '2024-05-02', DATE '2024-05-02', 40),
             ('p2', 'part', 'c5', TIMESTAMP '2024-05-09', DATE '2024-05-09', -10)`)
    const info = await buildCustomerSummary(engine, { unit: 'week' })
    const [f] = await engine.query<{ s: string; x: number }>(
      `SELECT strftime(min(first_purchase), '%Y-%m-%d') AS s, sum(x) AS x FROM ${info.table}`,
    )
    const rows = await engine.query<{ purchases: number }>(
      trackingActual('duckdb', { summary: info.table, start: f!.s, end: info.asOf, unitDays: 7 }),
    )
    // the curve ends at the summary's repeat purchase days
    expect(rows.reduce((a, r) => a + Number(r.purchases), 0)).toBe(Number(f!.x))
  })

  it('a free order kept beside one refunded in full makes a purchase day on the curve too', async () => {
    const x = async () => {
      const info = await buildCustomerSummary(engine, { unit: 'week' })
      const [f] = await engine.query<{ s: string; x: number }>(
        `SELECT strftime(min(first_purchase), '%Y-%m-%d') AS s, sum(x) AS x FROM ${info.table}`,
      )
      const rows = await engine.query<{ purchases: number }>(
        trackingActual('duckdb', { summary: info.table, start: f!.s, end: info.asOf, unitDays: 7 }),
      )
      return { summary: Number(f!.x), curve: rows.reduce((a, r) => a + Number(r.purchases), 0) }
    }
    const before = await x()
    // c9 on a day of its own: an order refunded in full the same day, and a free sample
    await engine.exec(`INSERT INTO orders (order_key, order_id, customer_id, ordered_at, order_date, amount)
      VALUES ('g1', 'gone', 'c9', TIMESTAMP '2024-06-20', DATE '2024-06-20', 30),
             ('g2', 'gone', 'c9', TIMESTAMP '2024-06-20', DATE '2024-06-20', -30),
             ('g3', 'free', 'c9', TIMESTAMP '2024-06-20', DATE '2024-06-20', 0)`)
    const after = await x()
    expect(after.summary).toBe(before.summary + 1)
    expect(after.curve).toBe(after.summary)
  })
})
