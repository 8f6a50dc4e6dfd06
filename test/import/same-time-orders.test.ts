// Orders without an order id are known by their content: a later export in which such an order's
// amount changed is stored beside the first as a second order. The import names those rows (with
// the stored amount) so that a correction does not pass unnoticed.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { runCli, tempDir } from '../helpers/cli.ts'
import { freshWorkspace, write } from './helpers.ts'

const NOW = new Date('2025-01-01T00:00:00Z')
const HEAD = 'customer_id,ordered_at,amount,channel\n'
let engine: Engine
let dir: string

beforeEach(async () => {
  ;({ engine, dir } = await freshWorkspace())
})
afterEach(async () => {
  await engine.close()
})

const orders = (file: string) => importFile(engine, file, { kind: 'orders', now: NOW })

describe('orders without ids whose amount a later file changed', () => {
  test('are stored beside the first and named with the stored amount', async () => {
    const a = write(
      dir,
      'a.csv',
      `${HEAD}c1,2024-01-01T10:00:00Z,10,web\nc2,2024-01-02T10:00:00Z,5,web\nc3,2024-01-03T10:00:00Z,7,web\n`,
    )
    // c1's amount changed, c2's channel (the same order: replaced), c4 is new, c3 left out
    const b = write(
      dir,
      'b.csv',
      `${HEAD}c2,2024-01-02T10:00:00Z,5,shop\nc1,2024-01-01T10:00:00Z,12.5,web\nc4,2024-01-04T10:00:00Z,3,web\n`,
    )
    const first = await orders(a)
    expect(first.sameTimeOrders).toBeUndefined()
    const r = await orders(b)
    expect(r).toMatchObject({ inserted: 2, updated: 1 })
    expect(r.sameTimeOrders).toEqual({
      n: 1,
      first: [{ line: 3, customerId: 'c1', at: '2024-01-01 10:00:00', amount: 12.5, stored: 10 }],
    })
    const [c1] = await engine.query<{ n: number; revenue: number }>(
      "SELECT count(*) AS n, sum(amount) AS revenue FROM orders WHERE customer_id = 'c1'",
    )
    expect(Number(c1?.n)).toBe(2)
    expect(Number(c1?.revenue)).toBe(22.5)
    // read again: nothing new, nothing named
    expect((await orders(b)).sameTimeOrders).toBeUndefined()
  })

  test('a file holding both orders of the same time names none, nor does a refund', async () => {
    const a = write(dir, 'a.csv', `${HEAD}c1,2024-01-01T10:00:00Z,10,web\n`)
    const b = write(
      dir,
      'b.csv',
      `${HEAD}c1,2024-01-01T10:00:00Z,10,web\nc1,2024-01-01T10:00:00Z,4,web\nc1,2024-01-01T10:00:00Z,-2,web\n`,
    )
    await orders(a)
    const r = await orders(b)
    expect(r.inserted).toBe(2)
    expect(r.sameTimeOrders).toBeUndefined()
  })

  test('orders with ids are not concerned: a later version of an id replaces the order', async () => {
    const h = 'order_id,customer_id,ordered_at,amount\n'
    const a = write(dir, 'a.csv', `${h}O1,c1,2024-01-01T10:00:00Z,10\n`)
    const b = write(dir, 'b.csv', `${h}O2,c1,2024-01-01T10:00:00Z,12\n`)
    await orders(a)
    const r = await orders(b)
    expect(r.inserted).toBe(1)
    expect(r.sameTimeOrders).toBeUndefined()
  })

  test('the CLI prints the note', () => {
    const d = tempDir()
    const db = `${d}/w.duckdb`
    write(d, 'a.csv', `${HEAD}c1,2024-01-01T10:00:00Z,10,web\n`)
    write(d, 'b.csv', `${HEAD}c1,2024-01-01T10:00:00Z,12,web\n`)
    expect(runCli(['import', `${d}/a.csv`, '--kind', 'orders', '--db', db]).code).toBe(0)
    const out = runCli(['import', `${d}/b.csv`, '--kind', 'orders', '--db', db])
    expect(out.code).toBe(0)
    expect(out.stdout).toContain(
      'note: 1 order without an order id has the customer and time of a stored order but another amount, stored beside it as a second order: line 2 (c1 at 2024-01-01 10:00:00 UTC: 12, stored 10)',
    )
  })
})
