// A Shopify orders export saved by a German or French spreadsheet (semicolons, decimal commas)
// could not be imported at all: the order's quantity, the sum of its line quantities, reached the
// number rules as the text of a DOUBLE (3.0), which kept the decimal commas from being found and,
// with --decimal-comma, was refused on every order; the line items' prices were read with the
// comma between thousands, so 10,00 was stored as 1000.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { tempDir } from '../helpers/cli.ts'
import { write } from './helpers.ts'

const NOW = new Date('2025-01-01')
const EXPORT = `Name;Email;Financial Status;Created at;Total;Lineitem quantity;Lineitem name;Lineitem price
#1001;a@x.com;paid;2024-01-02 10:00:00 +0100;1.230,00;1;Mug;10,00
#1001;a@x.com;;;;2;Lamp;1.210,00
#1002;b@x.com;paid;2024-01-03 10:00:00 +0100;5,50;1;Pin;5,50
`

describe('a Shopify orders export written with decimal commas', () => {
  let engine: Engine
  beforeEach(async () => {
    engine = await openWorkspace(':memory:')
  })
  afterEach(async () => {
    await engine.close()
  })

  for (const flag of [false, true]) {
    test(`is read as one ${flag ? '(--decimal-comma)' : '(found without the flag)'}`, async () => {
      const file = write(tempDir('loyals-shopify-comma-'), 'orders_export.csv', EXPORT)
      const r = await importFile(engine, file, {
        kind: 'orders',
        now: NOW,
        ...(flag ? { decimalComma: true } : {}),
      })
      expect(r.layout).toBe('shopify-orders')
      expect(r.rowsStored).toBe(2)
      const orders = await engine.query<{ order_id: string; amount: number; quantity: number }>(
        'SELECT order_id, amount, quantity FROM orders ORDER BY 1',
      )
      expect(orders.map((o) => [o.order_id, Number(o.amount), Number(o.quantity)])).toEqual([
        ['#1001', 1230, 3],
        ['#1002', 5.5, 1],
      ])
      const lines = await engine.query<{ product_name: string; quantity: number; amount: number }>(
        'SELECT product_name, quantity, amount FROM order_lines ORDER BY 1',
      )
      expect(lines.map((l) => [l.product_name, Number(l.quantity), Number(l.amount)])).toEqual([
        ['Lamp', 2, 2420],
        ['Mug', 1, 10],
        ['Pin', 1, 5.5],
      ])
    })
  }
})
