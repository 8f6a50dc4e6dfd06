import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Engine } from '../data/engine.ts'
import { revenueRanks } from '../data/queries/concentration-ranked.ts'
import { openWorkspace } from '../data/workspace.ts'
import { DataError } from '../errors.ts'
import { concentration, marginKnown } from './concentration.ts'

async function summaryOf(
  engine: Engine,
  rows: readonly (readonly [string, number, number | null, number])[],
): Promise<void> {
  const values = rows
    .map(([id, rev, margin, orders]) => `('${id}', ${rev}, ${margin ?? 'NULL'}, ${orders})`)
    .join(', ')
  await engine.exec(`CREATE OR REPLACE TEMP TABLE customer_summary AS
    SELECT customer_id, CAST(revenue AS DOUBLE) AS revenue, CAST(margin AS DOUBLE) AS margin,
      CAST(orders AS INTEGER) AS orders
    FROM (VALUES ${values}) t(customer_id, revenue, margin, orders)`)
}

describe('concentration', () => {
  let engine: Engine
  beforeEach(async () => {
    engine = await openWorkspace(':memory:')
  })
  afterEach(async () => engine.close())

  it('values [1, 2, 3, 4, 10]: shares, deciles, Lorenz and Gini by hand', async () => {
    await summaryOf(engine, [
      ['a', 1, null, 1],
      ['b', 2, null, 1],
      ['c', 3, null, 1],
      ['d', 4, null, 2],
      ['e', 10, null, 5],
    ])
    const c = await concentration(engine, { table: 'customer_summary', value: 'revenue' })
    expect(c.customers).toBe(5)
    expect(c.total).toBe(20)
    // top k % = ceil(k * 5 / 100) customers: 1, 1, 1, 1, 1, 3
    expect(c.top.map((t) => [t.pct, t.customers, t.value])).toEqual([
      [1, 1, 10],
      [2, 1, 10],
      [5, 1, 10],
      [10, 1, 10],
      [20, 1, 10],
      [50, 3, 17],
    ])
    expect(c.top.find((t) => t.pct === 20)?.share).toBeCloseTo(10 / 20, 12)
    expect(c.top.find((t) => t.pct === 50)?.share).toBeCloseTo(17 / 20, 12)
    // Gini = 2 * (1*1 + 2*2 + 3*3 + 4*4 + 5*10) / (5 * 20) - 6 / 5 = 1.6 - 1.2
    expect(c.gini).toBeCloseTo(0.4, 12)
    // customer i is in decile 1 + floor(10 (i - 1) / 5): 1, 3, 5, 7, 9
    expect(c.deciles.map((d) => [d.decile, d.value])).toEqual([
      [1, 10],
      [3, 4],
      [5, 3],
      [7, 2],
      [9, 1],
    ])
    expect(c.deciles[0]).toMatchObject({ customers: 1, orders: 5, orders_per_customer: 5, aov: 2 })
    expect(c.deciles.map((d) => d.cumulative_share)).toEqual([0.5, 0.7, 0.85, 0.95, 1])
    // Lorenz: k = floor(p * 5 / 100) lowest customers, k = 0..5
    expect(c.lorenz.map((p) => p.customer_share)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
    expect(c.lorenz.map((p) => p.value_share)).toEqual([0, 0.05, 0.15, 0.3, 0.5, 1])
  })

  it('equal values: Gini 0, straight Lorenz line, top k % holds k %', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => [`c${i}`, 7, null, 1] as const)
    await summaryOf(engine, rows)
    const c = await concentration(engine, {})
    expect(c.gini).toBeCloseTo(0, 12)
    expect(c.lorenz.length).toBe(101)
    for (const p of c.lorenz) expect(p.value_share).toBeCloseTo(p.customer_share, 12)
    for (const t of c.top) expect(t.share).toBeCloseTo(t.pct / 100, 12)
    expect(c.deciles.map((d) => d.customers)).toEqual(Array(10).fill(20))
  })

  it('clamps negative values at 0 for Gini and Lorenz; shares use the net total', async () => {
    await summaryOf(engine, [
      ['a', -5, null, 1],
      ['b', 5, null, 1],
      ['c', 10, null, 1],
    ])
    const c = await concentration(engine, {})
    expect(c.negativeCustomers).toBe(1)
    expect(c.negativeTotal).toBe(-5)
    // Gini of [0, 5, 10] = 2 * (2*5 + 3*10) / (3 * 15) - 4 / 3
    expect(c.gini).toBeCloseTo(80 / 45 - 4 / 3, 12)
    // top 50 % = ceil(1.5) = 2 customers hold 15 of a net total of 10
    expect(c.top.find((t) => t.pct === 50)?.share).toBeCloseTo(1.5, 12)
    expect(c.lorenz.at(-1)?.value_share).toBe(1)
  })

  it('margin variant uses customers with a known margin; unknown everywhere is a DataError', async () => {
    await summaryOf(engine, [
      ['a', 10, 2, 1],
      ['b', 20, null, 1],
      ['c', 30, 6, 1],
    ])
    expect(await marginKnown(engine)).toBe(true)
    const m = await concentration(engine, { value: 'margin' })
    expect(m.customers).toBe(2)
    expect(m.total).toBe(8)
    expect(m.top.at(-1)).toMatchObject({ pct: 50, customers: 1, value: 6 })
    expect(m.deciles[0]?.revenue).toBe(30)

    await summaryOf(engine, [['a', 10, null, 1]])
    expect(await marginKnown(engine)).toBe(false)
    await expect(concentration(engine, { value: 'margin' })).rejects.toThrow(DataError)
    await expect(concentration(engine, { value: 'margin' })).rejects.toThrow(/margin is unknown/)
  })

  it('a single customer holds everything with Gini 0', async () => {
    await summaryOf(engine, [['solo', 42, null, 3]])
    const c = await concentration(engine, {})
    expect(c.gini).toBe(0)
    expect(c.top.every((t) => t.customers === 1 && t.share === 1)).toBe(true)
    expect(c.lorenz).toEqual([
      { customer_share: 0, value_share: 0 },
      { customer_share: 1, value_share: 1 },
    ])
  })

  it('from the analysis ranking (revenueRanks) gives the figures of its own ranking', async () => {
    // 3000 customers with ties and negative values, stored in a scrambled order
    const rows = Array.from(
      { length: 3000 },
      (_, i) => [`c${(i * 7919) % 3000}`, ((i * 37) % 101) - 20, null, 1 + (i % 4)] as const,
    )
    await summaryOf(engine, rows)
    const own = await concentration(engine, {})
    await engine.exec(`CREATE OR REPLACE TEMP TABLE scrambled AS
      SELECT * FROM customer_summary ORDER BY hash(customer_id)`)
    await engine.exec(revenueRanks('duckdb', { scored: 'scrambled', ranked: 'ranks' }))
    const stored = await concentration(engine, { value: 'revenue', ranked: 'ranks' })
    expect(stored.customers).toBe(own.customers)
    expect(stored.total).toBe(own.total)
    expect(stored.top).toEqual(own.top)
    expect(stored.deciles).toEqual(own.deciles)
    expect(stored.lorenz.length).toBe(own.lorenz.length)
    stored.lorenz.forEach((p, i) => {
      expect(p.value_share).toBeCloseTo(own.lorenz[i]?.value_share ?? Number.NaN, 12)
    })
    expect(stored.gini).toBeCloseTo(own.gini ?? Number.NaN, 12)
  })
})
