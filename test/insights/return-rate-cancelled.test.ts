// The return rate (KPI and per category) counts orders that were sold: an order refunded in full
// without a returns row was cancelled, no order to return; one refunded in full with a returns
// row was returned whole and counts as an order returned.
import { describe, expect, it } from 'vitest'
import { openWorkspace } from '../../src/data/workspace.ts'
import { computeAnalysis } from '../../src/service/analyze.ts'
import { computeInsights } from '../../src/service/insights/index.ts'

describe('return rate', () => {
  it('leaves cancelled orders out and keeps orders returned whole', async () => {
    const engine = await openWorkspace(':memory:')
    try {
      // X1 cancelled (refunded in full, no return); X2 returned in part; X3 returned whole
      // (refunded in full, with a returns row); Y1 kept. Orders: X2, X3, Y1; returned X2, X3
      const rows: [string, string | null, string, string, number][] = [
        ['x1', 'X1', 'X', '2024-01-01', 100],
        ['x1r', 'X1', 'X', '2024-01-02', -100],
        ['x2', 'X2', 'X', '2024-02-01', 100],
        ['x3', 'X3', 'X', '2024-03-01', 60],
        ['x3r', 'X3', 'X', '2024-03-05', -60],
        ['y1', 'Y1', 'Y', '2024-01-05', 50],
      ]
      for (const [key, id, c, day, amount] of rows) {
        await engine.exec({
          sql: `INSERT INTO orders (order_key, order_id, customer_id, ordered_at, order_date, amount)
            VALUES ($1, $2, $3, CAST($4 AS TIMESTAMP), CAST($4 AS DATE), $5)`,
          params: [key, id, c, day, amount],
        })
      }
      for (const [key, order, category] of [
        ['l1', 'X1', 'Hats'],
        ['l2', 'X2', 'Hats'],
        ['l3', 'X3', 'Hats'],
        ['l4', 'Y1', 'Hats'],
      ] as const) {
        await engine.exec({
          sql: `INSERT INTO order_lines (line_key, order_id, product_id, category, quantity, amount)
            VALUES ($1, $2, 'p', $3, 1, 10)`,
          params: [key, order, category],
        })
      }
      for (const [key, order, day] of [
        ['r1', 'X2', '2024-02-05'],
        ['r2', 'X3', '2024-03-05'],
      ] as const) {
        await engine.exec({
          sql: `INSERT INTO returns (return_key, return_id, order_id, returned_at, returned_date, amount)
            VALUES ($1, $1, $2, CAST($3 AS TIMESTAMP), CAST($3 AS DATE), 10)`,
          params: [key, order, day],
        })
      }
      const a = await computeAnalysis(engine, {
        source: 'hand',
        asOf: '2024-06-30',
        predictions: false,
        value: false,
      })
      const r = await computeInsights(engine, { asOf: a.asOf, minHistoryDays: 0 })
      const all = r.summary.kpis.returnRate!.find((g) => g.kind === 'all')!
      expect(all.n).toBe(3)
      expect(all.value).toBeCloseTo(2 / 3, 12)
      const hats = r.summary.overIndex.categories.find((c) => c.category === 'Hats')!
      expect(hats.orders).toBe(3)
      expect(hats.returnRate).toBeCloseTo(2 / 3, 12)
      expect(r.summary.overIndex.overallReturnRate).toBeCloseTo(2 / 3, 12)
    } finally {
      await engine.close()
    }
  })
})
