// A $0 order that got a refund was a purchase day of the insights (second purchase, cohorts,
// stickiness) but not of the customer summary, which counts a free order only when it is kept. The
// insights' purchase days now follow the summary's rule to the letter. DuckDB only: the insights
// run on the embedded store alone (docs/insights.md).
import { beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { computeAnalysis } from '../../src/service/analyze.ts'
import { computeInsights, type InsightsResult } from '../../src/service/insights/index.ts'
import { STORES, storeWithOrders } from '../engines/stores.ts'

// Y: a $0 order refunded the next day (the repro); Z: an order of two rows on two days, refunded
// in full on the first (its second day has no refund of its own, and no order kept); W: a $0 row
// and a paid row of one order, refunded in part (kept: a purchase day)
const ORDERS = `order_id,customer_id,ordered_at,amount
Y1,Y,2024-02-01,50
Y2,Y,2024-03-05,0
Y2,Y,2024-03-06,-5
Z1,Z,2024-02-02,40
Z2,Z,2024-03-10,30
Z2,Z,2024-03-12,20
Z2,Z,2024-03-11,-50
W1,W,2024-02-03,40
W2,W,2024-04-01,0
W2,W,2024-04-01,10
W2,W,2024-04-02,-4
`

describe('a refunded $0 order in the insights', () => {
  const store = storeWithOrders(STORES.find((k) => k.name === 'duckdb')!, ORDERS)
  let engine: Engine
  let r: InsightsResult
  beforeAll(async () => {
    engine = store()
    const a = await computeAnalysis(engine, {
      source: 'hand',
      asOf: '2024-06-30',
      predictions: false,
      value: false,
    })
    r = await computeInsights(engine, { asOf: a.asOf, minHistoryDays: 0 })
  })

  it('counts the purchase days the summary counts, customer by customer', async () => {
    const rows = await engine.query<{ customer_id: string; summary: number; insights: number }>(`
      SELECT s.customer_id, s.purchase_days AS summary,
        (SELECT count(*) FROM insights_days d JOIN insights_base b ON b.cidx = d.cidx
         WHERE b.customer_id = s.customer_id AND d.purchase) AS insights
      FROM customer_summary s ORDER BY s.customer_id`)
    const by = Object.fromEntries(
      rows.map((x) => [x.customer_id, [Number(x.summary), Number(x.insights)]]),
    )
    expect(by).toEqual({ W: [2, 2], Y: [1, 1], Z: [1, 1] })
  })

  it('leaves the refunded $0 order out of the second purchase, the cohorts and stickiness', () => {
    const k = r.summary.kpis
    expect([k.repeatRate.customers, k.repeatRate.repeaters]).toEqual([3, 1])
    // W's kept $0 order beside its paid row, on 04-01, is the one second purchase
    expect(k.secondPurchase.events).toBe(1)
    const m = k.retention
    expect(m.cohorts).toEqual(['2024-02'])
    expect(m.customers.slice(0, 4)).toEqual([1, 0, 1 / 3, 0])
    // no channel or campaign in these orders: not compared (insights.test.ts counts them)
    expect(k.stickiness).toEqual([])
    expect(k.stickinessMissing).toEqual(['campaign', 'channel'])
  })
})
