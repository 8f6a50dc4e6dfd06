// An order of 0 whose status says it was never paid or was paid back (cancelled, refunded) is no
// purchase, as a cancelled order of 10 is not: it has no amount to refund, and alone it would read
// as a free sample.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
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
