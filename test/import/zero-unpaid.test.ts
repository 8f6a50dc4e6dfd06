// An order of 0 whose status says it was never paid or was paid back (cancelled, refunded) is no
// purchase, as a cancelled order of 10 is not: it has no amount to refund, and alone it would read
// as a free sample.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { describeImport } from '../../src/cli/commands/import.ts'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { computeAnalysis } from '../../src/service/analyze.ts'
import { customerProfile } from '../../src/service/customer-profile.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { buildCustomerSummary } from '../../src/service/summary.ts'
import { tempDir } from '../helpers/cli.ts'
import { write } from './helpers.ts'

const FILE = [
  'order_id,customer_id,ordered_at,amount,status',
  'Q1,Q,2024-02-03,40,paid',
  'Q2,Q,2024-03-07,0,cancelled',
  'P1,P,2024-02-03,40,paid',
  'P2,P,2024-03-07,10,cancelled',
  'W1,W,2024-02-05,25,paid',
  'W2,W,2024-04-07,0,refunded',
  'F1,F,2024-02-05,25,paid',
  'F2,F,2024-04-07,0,paid',
].join('\n')

describe('an unpaid order of 0', () => {
  let engine: Engine
  let dir: string
  const now = new Date('2025-01-01')
  beforeAll(async () => {
    dir = tempDir('loyals-zero-unpaid-')
    engine = await openWorkspace(':memory:')
  })
  afterAll(async () => {
    await engine.close()
  })

  test('is refunded in full like a cancelled order of 10; a paid order of 0 still counts', async () => {
    const f = write(dir, 'orders.csv', FILE)
    await importFile(engine, f, { kind: 'orders', now })
    const info = await buildCustomerSummary(engine, { unit: 'day', asOf: '2024-04-30' })
    const s = await engine.query(
      `SELECT customer_id, purchase_days, orders, revenue FROM ${info.table} ORDER BY 1`,
    )
    expect(s).toEqual([
      { customer_id: 'F', purchase_days: 2, orders: 2, revenue: 25 },
      { customer_id: 'P', purchase_days: 1, orders: 1, revenue: 40 },
      { customer_id: 'Q', purchase_days: 1, orders: 1, revenue: 40 },
      { customer_id: 'W', purchase_days: 1, orders: 1, revenue: 25 },
    ])
    // importing the file again changes nothing
    const again = await importFile(engine, f, { kind: 'orders', now })
    expect(again).toMatchObject({ inserted: 0, updated: 0 })
    // the customer's recent orders show the cancelled order once, not its mark of a refund
    const q = await customerProfile(engine, 'Q', { asOf: '2024-04-30', predictions: false })
    expect(q.recentOrders.map((o) => [o.orderId, o.amount])).toEqual([
      ['Q2', 0],
      ['Q1', 40],
    ])
  })

  test('a later export saying the order was paid after all makes it a purchase again', async () => {
    const paid = write(
      dir,
      'paid.csv',
      FILE.replace('Q2,Q,2024-03-07,0,cancelled', 'Q2,Q,2024-03-07,0,paid'),
    )
    await importFile(engine, paid, { kind: 'orders', now })
    const info = await buildCustomerSummary(engine, { unit: 'day', asOf: '2024-04-30' })
    const s = await engine.query(
      `SELECT purchase_days, orders FROM ${info.table} WHERE customer_id = 'Q'`,
    )
    expect(s).toEqual([{ purchase_days: 2, orders: 2 }])
  })

  test('so is one in a file without order ids', async () => {
    const store = await openWorkspace(':memory:')
    const noIds = FILE.split('\n')
      .map((l) => l.slice(l.indexOf(',') + 1))
      .join('\n')
    await importFile(store, write(dir, 'no-ids.csv', noIds), { kind: 'orders', now })
    const info = await buildCustomerSummary(store, { unit: 'day', asOf: '2024-04-30' })
    const s = await store.query(
      `SELECT customer_id, purchase_days, orders FROM ${info.table} ORDER BY 1`,
    )
    await store.close()
    expect(s).toEqual([
      { customer_id: 'F', purchase_days: 2, orders: 2 },
      { customer_id: 'P', purchase_days: 1, orders: 1 },
      { customer_id: 'Q', purchase_days: 1, orders: 1 },
      { customer_id: 'W', purchase_days: 1, orders: 1 },
    ])
  })
})

// Shopify's export has no status column of plain words: a voided order (or one refunded, or
// cancelled while its payment was pending) is refunded in full from its Total, which is 0 here.
const SHOPIFY = [
  'Name,Email,Financial Status,Currency,Subtotal,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,Refunded Amount,Cancelled at,Id',
  '#1,a@x.com,paid,USD,10.00,10.00,2024-05-01 10:00:00 +0000,1,Mug,10.00,0.00,,1',
  '#2,a@x.com,voided,USD,0.00,0.00,2024-05-02 10:00:00 +0000,1,Sample,0.00,0.00,2024-05-02 11:00:00 +0000,2',
  '#3,b@x.com,refunded,USD,0.00,0.00,2024-05-03 10:00:00 +0000,1,Sample,0.00,0.00,,3',
  '#4,b@x.com,paid,USD,20.00,20.00,2024-05-04 10:00:00 +0000,1,Mug,20.00,0.00,,4',
  '#5,c@x.com,pending,USD,0.00,0.00,2024-05-05 10:00:00 +0000,1,Sample,0.00,0.00,2024-05-05 11:00:00 +0000,5',
  '#6,d@x.com,paid,USD,0.00,0.00,2024-05-06 10:00:00 +0000,1,Gift,0.00,0.00,,6',
  // a free order Shopify took as paid, then cancelled: no purchase
  '#7,e@x.com,paid,USD,0.00,0.00,2024-05-06 10:00:00 +0000,1,Gift,0.00,0.00,2024-05-06 12:00:00 +0000,7',
].join('\n')

describe('the mark of an unpaid order of 0', () => {
  const now = new Date('2025-01-01')

  test("a Shopify export's voided, refunded or cancelled-while-pending order of 0 is no purchase", async () => {
    const store = await openWorkspace(':memory:')
    try {
      const dir = tempDir('loyals-zero-shopify-')
      await importFile(store, write(dir, 'shopify.csv', SHOPIFY), { kind: 'orders', now })
      const info = await buildCustomerSummary(store, { unit: 'day', asOf: '2024-05-06' })
      const s = await store.query(
        `SELECT customer_id, purchase_days, orders, revenue FROM ${info.table} ORDER BY 1`,
      )
      // c@x.com's only order was cancelled before payment; d@x.com's paid gift is a purchase
      expect(s).toEqual([
        { customer_id: 'a@x.com', purchase_days: 1, orders: 1, revenue: 10 },
        { customer_id: 'b@x.com', purchase_days: 1, orders: 1, revenue: 20 },
        { customer_id: 'd@x.com', purchase_days: 1, orders: 1, revenue: 0 },
      ])
    } finally {
      await store.close()
    }
  })

  test('is counted and said as no refund: import, summary facts, analyze notes, customer', async () => {
    const store = await openWorkspace(':memory:')
    try {
      const dir = tempDir('loyals-zero-marks-')
      const r = await importFile(store, write(dir, 'orders.csv', FILE), { kind: 'orders', now })
      // P2 (cancelled at 10) is a refund of money; Q2 and W2, orders of 0, are marks
      expect(r).toMatchObject({ rowsStored: 11, refunds: 1, refundMarks: 2 })
      expect(describeImport(r)).toContain(
        '8 orders (2 of them cancelled or unpaid at 0: no purchase, marked by a row of their own) and 1 refund',
      )
      const info = await buildCustomerSummary(store, { unit: 'day', asOf: '2024-04-30' })
      // the marks are no priced rows: the rows with money are the five orders above 0 and P2's refund
      expect(info.orders).toMatchObject({ refunds: 3, refundMarks: 2, priced: 6 })
      const a = await computeAnalysis(store, {
        source: 'orders.csv',
        unit: 'day',
        asOf: '2024-04-30',
      })
      const notes = a.quality.map((q) => q.message).join('\n')
      expect(notes).toContain('1 refund row (negative amounts')
      expect(notes).not.toMatch(/3 refund rows|2 refund rows/)
      // recent orders: the order of 0 is said to be cancelled
      const q = await customerProfile(store, 'Q', { asOf: '2024-04-30', predictions: false })
      expect(q.recentOrders.map((o) => [o.orderId, o.cancelled])).toEqual([
        ['Q2', true],
        ['Q1', false],
      ])
    } finally {
      await store.close()
    }
  })

  test('a customer with only cancelled orders of 0 is no one with refunds', async () => {
    const store = await openWorkspace(':memory:')
    try {
      const dir = tempDir('loyals-zero-only-')
      const file = `${FILE}\nZ1,Z,2024-03-01,0,cancelled`
      await importFile(store, write(dir, 'orders.csv', file), { kind: 'orders', now })
      const a = await computeAnalysis(store, {
        source: 'orders.csv',
        unit: 'day',
        asOf: '2024-04-30',
      })
      expect(a.quality.map((q) => q.message).join('\n')).not.toContain('no purchase day')
      await expect(
        customerProfile(store, 'Z', { asOf: '2024-04-30', predictions: false }),
      ).rejects.toThrow(
        "customer 'Z' placed 1 order of 0 on or before 2024-04-30, cancelled (or failed, unpaid): no purchase to value yet",
      )
    } finally {
      await store.close()
    }
  })

  test("a transaction log's (no amounts) cancelled order is no purchase either", async () => {
    const store = await openWorkspace(':memory:')
    try {
      const dir = tempDir('loyals-zero-log-')
      const log = [
        'customer_id,ordered_at,status',
        'A,2024-01-01,paid',
        'A,2024-02-01,cancelled',
        'B,2024-01-05,cancelled',
        'A,2024-03-01,paid',
      ].join('\n')
      await importFile(store, write(dir, 'log.csv', log), { kind: 'orders', now })
      const info = await buildCustomerSummary(store, { unit: 'day', asOf: '2024-03-01' })
      const s = await store.query(`SELECT customer_id, purchase_days, orders FROM ${info.table}`)
      expect(s).toEqual([{ customer_id: 'A', purchase_days: 2, orders: 2 }])
      // still a log without spend: no row with money
      expect(info.orders.priced).toBe(0)
      // a later export saying A's cancelled order was completed after all withdraws its mark
      const later = await importFile(
        store,
        write(dir, 'log2.csv', log.replace('A,2024-02-01,cancelled', 'A,2024-02-01,completed')),
        { kind: 'orders', now },
      )
      expect(later.refundsWithdrawn.n).toBe(1)
      const again = await buildCustomerSummary(store, { unit: 'day', asOf: '2024-03-01' })
      const a = await store.query(
        `SELECT purchase_days, orders FROM ${again.table} WHERE customer_id = 'A'`,
      )
      expect(a).toEqual([{ purchase_days: 3, orders: 3 }])
    } finally {
      await store.close()
    }
  })
})

// A cancelled order of 0 after the last purchase is no purchase and no money: the default as-of
// stays on the last day that has either (it moved to the cancelled order's day, every customer a
// month more lapsed, and the as-of note compared it with itself and said nothing).
describe('a cancelled order of 0 after the last purchase', () => {
  const now = new Date('2025-01-01')
  const lastDays = async (file: string) => {
    const store = await openWorkspace(':memory:')
    try {
      const dir = tempDir('loyals-zero-asof-')
      await importFile(store, write(dir, 'orders.csv', file), { kind: 'orders', now })
      const info = await buildCustomerSummary(store, { unit: 'day' })
      return { asOf: info.asOf, lastOrder: info.orders.lastOrder, lastDay: info.orders.lastDay }
    } finally {
      await store.close()
    }
  }

  test('leaves the default as-of on the last purchase, with order ids or without', async () => {
    const withIds = [
      'order_id,customer_id,ordered_at,amount,status',
      '1,A,2024-01-10,50,paid',
      '2,B,2024-02-10,40,paid',
      '3,A,2024-03-01,30,paid',
      '4,B,2024-06-30,0,cancelled',
    ].join('\n')
    const days = { asOf: '2024-03-01', lastOrder: '2024-03-01', lastDay: '2024-03-01' }
    expect(await lastDays(withIds)).toEqual(days)
    const noIds = withIds
      .split('\n')
      .map((l) => l.slice(l.indexOf(',') + 1))
      .join('\n')
    expect(await lastDays(noIds)).toEqual(days)
  })

  test('a refund after it still moves the as-of', async () => {
    const file = [
      'order_id,customer_id,ordered_at,amount,status',
      '1,A,2024-01-10,50,paid',
      '3,A,2024-03-01,30,paid',
      '4,B,2024-06-30,0,cancelled',
      '3,A,2024-04-01,-5,refunded',
    ].join('\n')
    expect(await lastDays(file)).toEqual({
      asOf: '2024-04-01',
      lastOrder: '2024-03-01',
      lastDay: '2024-04-01',
    })
  })
})
