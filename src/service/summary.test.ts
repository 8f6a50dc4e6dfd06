import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { insertOrders, loadCdnow, type OrderRow } from '../../test/summary/load-orders.ts'
import type { Engine } from '../data/engine.ts'
import { customerSummary } from '../data/queries/customer-summary.ts'
import { openWorkspace } from '../data/workspace.ts'
import { UsageError } from '../errors.ts'
import { buildCustomerSummary, customerSummaryRows } from './summary.ts'

// Customer a, as of 2024-01-31 (hand-computed in the comments):
//   01-01: two orders 10 + 5          -> one purchase day, spend 15
//   01-08: order 20, refund -5 on 01-10 (linked by order id) -> spend 15
//   01-15: order 30, refunded -30 on 01-16 -> net 0: not a purchase day
//   01-20: unlinked refund -2         -> lowers revenue, no purchase day
//   01-20: order 12, refunded on 02-05 (after asOf: not yet known) -> spend 12
//   02-10: order 40                   -> holdout
// purchase days 01-01, 01-08, 01-20: x = 2, t_x = 19 d, T = 30 d, monetary = (15 + 12) / 2
// revenue = 15 + 15 + 0 - 2 + 12 = 40 over 4 orders; margin known only on A1 (4).
const ROWS: OrderRow[] = [
  ['A1', 'A1', 'a', '2024-01-01', 10, 4],
  ['A2', 'A2', 'a', '2024-01-01', 5, null],
  ['A3', 'A3', 'a', '2024-01-08', 20, null],
  ['A3:refund:1', 'A3', 'a', '2024-01-10', -5, null],
  ['A4', 'A4', 'a', '2024-01-15', 30, null],
  ['A4:refund:1', 'A4', 'a', '2024-01-16', -30, null],
  ['u1', null, 'a', '2024-01-20', -2, null],
  ['A6', 'A6', 'a', '2024-01-20', 12, null],
  ['A6:refund:1', 'A6', 'a', '2024-02-05', -12, null],
  ['A5', 'A5', 'a', '2024-02-10', 40, null],
  ['B1', 'B1', 'b', '2024-01-31', 7, null],
  ['C1', 'C1', 'c', '2024-02-01', 9, null],
  ['D1', 'D9', 'd', '2024-01-05', -3, null],
  ['N10', null, '10', '2024-01-02', 1, null],
  ['N9', null, '9', '2024-01-03', 2, null],
]

describe('buildCustomerSummary', () => {
  let engine: Engine
  beforeEach(async () => {
    engine = await openWorkspace(':memory:')
    await insertOrders(engine, ROWS)
  })
  afterEach(async () => engine.close())

  it('nets refunds, merges same-day orders and splits calibration from holdout', async () => {
    const info = await buildCustomerSummary(engine, { asOf: '2024-01-31', unit: 'day' })
    expect(info.customers).toBe(4) // c buys after asOf, d only has a refund
    const rows = await customerSummaryRows(engine)
    expect(rows.map((r) => r.customer_id)).toEqual(['9', '10', 'a', 'b'])
    const a = rows.find((r) => r.customer_id === 'a')
    expect(a).toMatchObject({
      x: 2,
      t_x: 19,
      T: 30,
      first_purchase: '2024-01-01',
      last_purchase: '2024-01-20',
      purchase_days: 3,
      repeat_purchase_days: 2,
      orders: 4,
      margin: 4,
      days_since_last: 11,
      tenure_days: 30,
      x_star: 1,
      holdout_revenue: 40,
    })
    expect(a?.monetary).toBeCloseTo(13.5, 12)
    expect(a?.revenue).toBeCloseTo(40, 12)
    expect(a?.aov).toBeCloseTo(10, 12)
    const b = rows.find((r) => r.customer_id === 'b')
    expect(b).toMatchObject({ x: 0, t_x: 0, T: 0, monetary: 0, margin: null, x_star: 0 })
  })

  it('expresses t_x and T in weeks (days / 7) and months (days / 30.4375)', async () => {
    await buildCustomerSummary(engine, { asOf: '2024-01-31', unit: 'week' })
    const [w] = await customerSummaryRows(engine, { limit: 1, offset: 2 })
    expect(w?.customer_id).toBe('a')
    expect(w?.t_x).toBeCloseTo(19 / 7, 12)
    expect(w?.T).toBeCloseTo(30 / 7, 12)
    await buildCustomerSummary(engine, { asOf: '2024-01-31', unit: 'month', table: 'm' })
    const [m] = await customerSummaryRows(engine, { table: 'm', limit: 1, offset: 2 })
    expect(m?.T).toBeCloseTo(30 / 30.4375, 12)
  })

  it('defaults asOf to the last order day, leaving no holdout', async () => {
    const info = await buildCustomerSummary(engine, { unit: 'day' })
    expect(info.asOf).toBe('2024-02-10')
    expect(info.customers).toBe(5)
    const rows = await customerSummaryRows(engine)
    expect(rows.every((r) => r.x_star === 0)).toBe(true)
    // the refund of A6 is now known: 01-20 nets to 0 and is no purchase day any more
    const a = rows.find((r) => r.customer_id === 'a')
    expect(a).toMatchObject({ x: 2, last_purchase: '2024-02-10', orders: 4, days_since_last: 0 })
    expect(a?.revenue).toBeCloseTo(15 + 15 - 2 + 40, 12)
    expect(rows.find((r) => r.customer_id === 'c')).toMatchObject({ x: 0, T: 9 })
  })

  it('defaults asOf to the last day of any row: a refund after the last purchase is netted', async () => {
    // a refunds A5 in full three days after the last purchase anybody made
    await insertOrders(engine, [['A5:refund:1', 'A5', 'a', '2024-02-13', -40, null]])
    const info = await buildCustomerSummary(engine, { unit: 'day' })
    expect(info.asOf).toBe('2024-02-13')
    const rows = await customerSummaryRows(engine)
    const a = rows.find((r) => r.customer_id === 'a')
    expect(a).toMatchObject({ x: 1, last_purchase: '2024-01-08', x_star: 0 })
    expect(a?.revenue).toBeCloseTo(15 + 15 - 2, 12)
    expect(a?.holdout_revenue).toBe(0)
  })

  it('rejects bad input with typed errors', async () => {
    await expect(buildCustomerSummary(engine, { asOf: '2024-13-01', unit: 'day' })).rejects.toThrow(
      UsageError,
    )
    await expect(
      buildCustomerSummary(engine, { asOf: '2024-01-01', unit: 'day', table: 'x; drop' }),
    ).rejects.toThrow(UsageError)
    // before the first order: the user's date, said with the first order day (a usage error)
    const early = buildCustomerSummary(engine, { asOf: '2023-01-01', unit: 'day' })
    await expect(early).rejects.toThrow(UsageError)
    await expect(early).rejects.toThrow(
      /^the as-of date 2023-01-01 is before the first order \(2024-/,
    )
    const empty = await openWorkspace(':memory:')
    await expect(buildCustomerSummary(empty, { unit: 'week' })).rejects.toThrow(/no orders/)
    await empty.close()
    // an as-of date after tomorrow (UTC) counts days that have not happened: refused; today is fine
    const day = (offset: number) =>
      new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
    await expect(buildCustomerSummary(engine, { asOf: day(3), unit: 'day' })).rejects.toThrow(
      /is in the future/,
    )
    const today = await buildCustomerSummary(engine, { asOf: day(0), unit: 'day' })
    expect(today.asOf).toBe(day(0))
  })
})

describe('orders without refunds', () => {
  // The refund-free plan (one GROUP BY of the orders) must give exactly the general plan's rows.
  // noHoldout: the data end by asOf, so the plan leaves out the period filters as well
  const same = async (engine: Engine, asOf: string, noHoldout = false) => {
    const args = { asOf, unit: 'week' as const }
    await engine.exec(customerSummary('duckdb', { ...args, table: 'general' }))
    await engine.exec(
      customerSummary('duckdb', { ...args, table: 'fast', noRefunds: true, noHoldout }),
    )
    const [d] = await engine.query<{ n: number; only: number }>(
      `SELECT (SELECT count(*) FROM general) AS n,
        (SELECT count(*) FROM (SELECT * FROM general EXCEPT ALL SELECT * FROM fast)) +
        (SELECT count(*) FROM (SELECT * FROM fast EXCEPT ALL SELECT * FROM general)) AS only`,
    )
    return d
  }

  it('the CDNOW sample: same summary with and without the refund linking', async () => {
    const engine = await openWorkspace(':memory:')
    try {
      await loadCdnow(engine)
      expect(await same(engine, '1997-09-30')).toEqual({ n: 2357, only: 0 })
      expect(await same(engine, '1998-06-30')).toEqual({ n: 2357, only: 0 })
      expect(await same(engine, '1998-06-30', true)).toEqual({ n: 2357, only: 0 })
    } finally {
      await engine.close()
    }
  })

  it("takes back a refund naming no order at the customer's margin rate as of asOf", async () => {
    // u and v: 100 at cost 60 on 01-01, a refund of 10 naming no order on 01-10; after asOf
    // (03-31) u buys 100 at cost 100 and v buys 100 of unknown cost. At asOf both rates are
    // 40 / 100, so both refunds take back 4: margin 36 on 90 of revenue with a known margin
    const rows: OrderRow[] = [
      ['U1', 'U1', 'u', '2024-01-01', 100, 40],
      ['Ur', null, 'u', '2024-01-10', -10, null],
      ['U2', 'U2', 'u', '2024-06-01', 100, 0],
      ['V1', 'V1', 'v', '2024-01-01', 100, 40],
      ['Vr', null, 'v', '2024-01-10', -10, null],
      ['V2', 'V2', 'v', '2024-06-01', 100, null],
    ]
    for (const upTo of [rows, rows.filter((r) => r[3] < '2024-06-01')]) {
      const engine = await openWorkspace(':memory:')
      try {
        await insertOrders(engine, upTo)
        await buildCustomerSummary(engine, { asOf: '2024-03-31', unit: 'day' })
        const got = await customerSummaryRows(engine)
        for (const r of got) {
          expect(r.margin, r.customer_id).toBeCloseTo(36, 9)
          expect(r.revenue, r.customer_id).toBeCloseTo(90, 9)
        }
        expect(got).toHaveLength(2)
      } finally {
        await engine.close()
      }
    }
  })

  it('counts a free order kept on a day whose other order was refunded in full', async () => {
    // c: 5 on 01-01; on 01-06 an order of 10 refunded in full and a free sample (0). d: the same
    // without the refunded order. Both bought on two days: x = 1, two orders, last 01-06
    const rows: OrderRow[] = [
      ['C9', 'C9', 'c', '2024-01-01', 5, null],
      ['C7', 'C7', 'c', '2024-01-06', 10, null],
      ['C7r', 'C7', 'c', '2024-01-06', -10, null],
      ['C8', 'C8', 'c', '2024-01-06', 0, null],
      ['D10', 'D10', 'd', '2024-01-01', 5, null],
      ['D11', 'D11', 'd', '2024-01-06', 0, null],
    ]
    const engine = await openWorkspace(':memory:')
    try {
      await insertOrders(engine, rows)
      await buildCustomerSummary(engine, { asOf: '2024-01-31', unit: 'day' })
      const got = await customerSummaryRows(engine)
      for (const id of ['c', 'd']) {
        expect(
          got.find((r) => r.customer_id === id),
          id,
        ).toMatchObject({
          x: 1,
          orders: 2,
          last_purchase: '2024-01-06',
          revenue: 5,
          monetary: 0,
        })
      }
    } finally {
      await engine.close()
    }
  })

  it("the first day's spend, with and without a day of several orders", async () => {
    // e: one order a day (the earliest order is the first day); f: two orders on its first day;
    // g: one on its first day, two on a later one; h: one a day by asOf (01-31), two on a day
    // after it. monetary = spend of the repeat days / their number
    const rows: OrderRow[] = [
      ['E1', 'E1', 'e', '2024-01-02', 10, null],
      ['E2', 'E2', 'e', '2024-01-05', 30, null],
      ['F1', 'F1', 'f', '2024-01-02', 10, null],
      ['F2', 'F2', 'f', '2024-01-02', 7, null],
      ['F3', 'F3', 'f', '2024-01-09', 20, null],
      ['G1', 'G1', 'g', '2024-01-03', 8, null],
      ['G2', 'G2', 'g', '2024-01-10', 11, null],
      ['G3', 'G3', 'g', '2024-01-10', 13, null],
      ['G4', 'G4', 'g', '2024-01-12', 6, null],
      ['H1', 'H1', 'h', '2024-01-04', 50, null],
      ['H2', 'H2', 'h', '2024-01-20', 5, null],
      ['H3', 'H3', 'h', '2024-02-03', 1, null],
      ['H4', 'H4', 'h', '2024-02-03', 2, null],
    ]
    const engine = await openWorkspace(':memory:')
    try {
      await insertOrders(engine, rows)
      expect(await same(engine, '2024-01-31')).toEqual({ n: 4, only: 0 })
      expect(await same(engine, '2024-02-05', true)).toEqual({ n: 4, only: 0 })
      const got = await engine.query<{ customer_id: string; monetary: number }>(
        'SELECT customer_id, monetary FROM fast ORDER BY customer_id',
      )
      expect(got.map((r) => [r.customer_id, r.monetary])).toEqual([
        ['e', 30],
        ['f', 20],
        ['g', (11 + 13 + 6) / 2],
        ['h', (5 + 3) / 2],
      ])
    } finally {
      await engine.close()
    }
  })

  it('same-day orders, margins and a holdout: same rows; buildCustomerSummary uses it', async () => {
    const engine = await openWorkspace(':memory:')
    try {
      await insertOrders(
        engine,
        ROWS.filter((r) => r[4] >= 0),
      )
      expect(await same(engine, '2024-01-31')).toEqual({ n: 4, only: 0 })
      expect(await same(engine, '2024-02-10', true)).toEqual({ n: 5, only: 0 })
      await buildCustomerSummary(engine, { asOf: '2024-01-31', unit: 'day' })
      const a = (await customerSummaryRows(engine)).find((r) => r.customer_id === 'a')
      // a: 01-01 (10 + 5), 01-08 (20), 01-15 (30), 01-20 (12); 02-10 (40) is the holdout
      expect(a).toMatchObject({ x: 3, t_x: 19, T: 30, monetary: (20 + 30 + 12) / 3, revenue: 77 })
      expect(a).toMatchObject({ orders: 5, margin: 4, x_star: 1, holdout_revenue: 40 })
    } finally {
      await engine.close()
    }
  })
})
