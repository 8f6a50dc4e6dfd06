// Over-index compares places: a city is keyed with its country and region, so that Cambridge in
// England and Cambridge in Massachusetts are two levels. Pooled by name, the 20 top customers of
// the English one read as "city Cambridge" at half their index, and the American one was credited
// with customers it does not have.
import { describe, expect, it } from 'vitest'
import { openWorkspace } from '../../src/data/workspace.ts'
import { computeAnalysis } from '../../src/service/analyze.ts'
import { computeInsights } from '../../src/service/insights/index.ts'

describe('over-index by city', () => {
  it('keeps two cities of one name apart', async () => {
    const engine = await openWorkspace(':memory:')
    try {
      // 40 customers in each of three places; the 12 best (top 10 %) all in Cambridge, England
      const places: [string, string, string][] = [
        ['GB', 'England', 'Cambridge'],
        ['US', 'MA', 'Cambridge'],
        ['US', 'IL', 'Springfield'],
      ]
      let n = 0
      for (const [country, region, city] of places) {
        for (let i = 0; i < 40; i++) {
          const id = `c${String(n++).padStart(3, '0')}`
          const amount = country === 'GB' && i < 12 ? 1000 + i : 10 + (n % 7)
          await engine.exec({
            sql: `INSERT INTO orders (order_key, order_id, customer_id, ordered_at, order_date, amount)
              VALUES ($1, $1, $2, TIMESTAMP '2023-01-05', DATE '2023-01-05', $3)`,
            params: [`o${id}`, id, amount],
          })
          await engine.exec({
            sql: 'INSERT INTO customers (customer_id, country, region, city) VALUES ($1, $2, $3, $4)',
            params: [id, country, region, city],
          })
        }
      }
      const a = await computeAnalysis(engine, {
        source: 'hand',
        asOf: '2024-06-30',
        predictions: false,
        value: false,
      })
      const r = await computeInsights(engine, { asOf: a.asOf, minHistoryDays: 0 })
      const cities = r.summary.overIndex.levels.filter((l) => l.attribute === 'city')
      const gb = cities.find((l) => l.level === 'GB / England / Cambridge')
      const us = cities.find((l) => l.level === 'US / MA / Cambridge')
      expect(gb).toMatchObject({ customers: 40, topCustomers: 12 })
      expect(gb?.index).toBeCloseTo(300, 6)
      expect(us).toMatchObject({ customers: 40, topCustomers: 0 })
      expect(cities.some((l) => l.level === 'Cambridge')).toBe(false)
    } finally {
      await engine.close()
    }
  })
})
