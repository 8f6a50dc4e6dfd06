// A Shopify orders export read with the generic names a user maps: `--map amount=Subtotal` (revenue
// without shipping and tax) and `--map status=...` were accepted and then ignored, since the
// export's reader takes the order total and the financial status by their own names.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { ImportError } from '../../src/errors.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { tempDir } from '../helpers/cli.ts'
import { FIXTURES, write } from './helpers.ts'

const EXPORT = join(FIXTURES, 'shopify_orders_export.csv')
const NOW = new Date('2025-01-01')

describe('a Shopify orders export with --map', () => {
  let engine: Engine
  let dir: string
  beforeAll(async () => {
    dir = tempDir('loyals-shopify-map-')
    engine = await openWorkspace(':memory:')
  })
  afterAll(async () => {
    await engine.close()
  })

  const net = () =>
    engine.query<{ order_id: string; amount: number }>(
      `SELECT order_id, sum(amount) AS amount FROM orders GROUP BY 1 ORDER BY 1`,
    )

  test('an amount mapped to Subtotal is the order amount', async () => {
    const r = await importFile(engine, EXPORT, {
      kind: 'orders',
      map: { amount: 'Subtotal' },
      now: NOW,
    })
    expect(r.layout).toBe('shopify-orders')
    // Subtotal less Refunded Amount: #1002 1,200 - 96, #1003 36 - 18
    expect(await net()).toEqual([
      { order_id: '#1001', amount: 54 },
      { order_id: '#1002', amount: 1104 },
      { order_id: '#1003', amount: 18 },
      { order_id: '#1004', amount: 25 },
    ])
  })

  test('a status mapped to a column of its own refunds the orders it calls cancelled', async () => {
    const lines = readFileSync(EXPORT, 'utf8').trimEnd().split('\n')
    const withState = lines.map((l, i) => {
      if (i === 0) return `${l},Order State`
      // the first row of #1004 (line 6) is cancelled; every other row says nothing or open
      return `${l},${l.startsWith('#1004,chloe') ? 'cancelled' : l.startsWith('#100') && /,paid,|,partially_refunded,/.test(l) ? 'open' : ''}`
    })
    const f = write(dir, 'orders_export_state.csv', `${withState.join('\n')}\n`)
    await importFile(engine, f, { kind: 'orders', map: { status: 'Order State' }, now: NOW })
    const rows = await net()
    expect(rows.find((r) => r.order_id === '#1004')?.amount).toBe(0)
    expect(rows.find((r) => r.order_id === '#1001')?.amount).toBe(63.32)
  })
})

describe('a Shopify orders export or a bare order id imported as order lines', () => {
  test('is refused before anything is stored: the lines read as orders stay as they were', async () => {
    const dir = tempDir('loyals-shopify-lines-')
    const engine = await openWorkspace(':memory:')
    try {
      await importFile(engine, EXPORT, { kind: 'orders', now: NOW })
      const lines = () =>
        engine.query<Record<string, unknown>>(
          `SELECT order_id, product_id, product_name, quantity, amount FROM order_lines ORDER BY ALL`,
        )
      const before = await lines()
      expect(before.length).toBeGreaterThan(0)
      expect(before.every((l) => l.product_name !== null && l.quantity !== null)).toBe(true)
      // read as order lines, every line was stored empty and replaced the good ones
      await expect(importFile(engine, EXPORT, { kind: 'order-lines', now: NOW })).rejects.toThrow(
        /looks like a Shopify orders export .*--kind orders.*nothing was imported/,
      )
      const bare = write(dir, 'bare.csv', 'Name,Note\n#1001,gift\n')
      await expect(importFile(engine, bare, { kind: 'order-lines', now: NOW })).rejects.toThrow(
        /bare\.csv: no column holds a line's product .*found: Name, Note.*--map product_name=/,
      )
      expect(await lines()).toEqual(before)
    } finally {
      await engine.close()
    }
  })
})

describe('a Shopify orders export cut or filtered between its rows', () => {
  test("an item row whose order's first row is missing is a bad row, not dropped unseen", async () => {
    const dir = tempDir('loyals-shopify-cut-')
    const engine = await openWorkspace(':memory:')
    try {
      const lines = readFileSync(EXPORT, 'utf8').trimEnd().split('\n')
      // without #1004's first row (line 6): its two item rows stay, with nothing to belong to
      const cut = write(dir, 'cut.csv', `${lines.filter((_, i) => i !== 5).join('\n')}\n`)
      const e = (await importFile(engine, cut, { kind: 'orders', now: NOW }).catch(
        (x) => x,
      )) as ImportError
      expect(e).toBeInstanceOf(ImportError)
      const reason =
        "an item row of order #1004, but no row of that order gives its Total (the order's first row): the export was cut or filtered; export the whole order"
      expect(e.problems).toEqual([
        { file: cut, line: 6, column: 'Name', reason },
        { file: cut, line: 7, column: 'Name', reason },
      ])
      expect(await engine.query('SELECT * FROM orders')).toEqual([])
      // an item row without a Name belongs to no order at all
      const nameless = write(
        dir,
        'nameless.csv',
        `${lines[0]}\n${lines[1]}\n${lines[2]?.replace(/^#1001,/, ',')}\n`,
      )
      const n = (await importFile(engine, nameless, { kind: 'orders', now: NOW }).catch(
        (x) => x,
      )) as ImportError
      expect(n.problems.map((p) => [p.line, p.reason])).toEqual([
        [3, reason.replace('order #1004', 'order (no name)')],
      ])
      const r = await importFile(engine, cut, { kind: 'orders', now: NOW, skipBadRows: true })
      expect(r.rejected).toBe(2)
      const ids = await engine.query('SELECT DISTINCT order_id FROM orders ORDER BY 1')
      expect(ids.map((o) => o.order_id)).toEqual(['#1001', '#1002', '#1003'])
    } finally {
      await engine.close()
    }
  })
})
