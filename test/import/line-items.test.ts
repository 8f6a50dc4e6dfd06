// An orders file of line items (product, quantity and price per unit on every row, no total: the UCI
// "Online Retail" export) is read as orders: each order id's lines summed, the lines kept as order
// lines, a cancelled invoice a refund. Every line is validated on its own line of the file.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { formatProblem } from '../../src/errors.ts'
import { detectLayout } from '../../src/service/import/columns.ts'
import { type ImportOptions, importFile } from '../../src/service/import/import-file.ts'
import { tempDir } from '../helpers/cli.ts'
import { fingerprint, importError, write } from './helpers.ts'

const HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country'
const RETAIL = [
  HEADER,
  '536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom',
  '536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850,United Kingdom',
  '536366,22633,HAND WARMER UNION JACK,6,12/1/2010 8:28,1.85,17850,United Kingdom',
  '536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,12/13/2010 8:34,1.69,13047,United Kingdom',
  'C536379,22633,HAND WARMER UNION JACK,-2,12/14/2010 9:41,1.85,17850,United Kingdom',
  '536380,22960,JAM MAKING SET WITH JARS,3,12/14/2010 10:00,4.25,13047,France',
].join('\n')

describe('orders file of line items', () => {
  let dir: string
  let engine: Engine
  beforeAll(async () => {
    dir = tempDir('loyals-line-items-')
    engine = await openWorkspace(':memory:')
  })
  afterAll(async () => {
    await engine.close()
  })
  const orders = (file: string, opts: Partial<ImportOptions> = {}) =>
    importFile(engine, file, { kind: 'orders', now: new Date('2026-01-01T00:00:00Z'), ...opts })

  test('recognised by a product, a quantity and a unit price without a total', () => {
    expect(detectLayout(HEADER.split(','), 'orders')).toBe('line-items')
    // Online Retail II names the price "Price" and the customer "Customer ID"
    const ii = 'Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country'
    expect(detectLayout(ii.split(','), 'orders')).toBe('line-items')
    // a price without products is an order's amount (CLVTools' Id,Date,Price), and so is a total
    expect(detectLayout(['Id', 'Date', 'Price'], 'orders')).toBe('plain')
    expect(detectLayout([...HEADER.split(','), 'Total'], 'orders')).toBe('plain')
    expect(detectLayout(HEADER.split(','), 'order-lines')).toBe('plain')
    // a price per unit and a quantity are a line's, with or without a product
    expect(detectLayout(['customer', 'date', 'price', 'quantity'], 'orders')).toBe('line-items')
    expect(detectLayout(['customer', 'date', 'unit price', 'qty'], 'orders')).toBe('line-items')
  })

  test('a price and a quantity without a product or total: each row is price x quantity', async () => {
    const f = write(
      dir,
      'pq.csv',
      'customer,date,price,quantity\nA,2024-02-01,8,3\nA,2024-03-01,5,1\n',
    )
    // a store of its own: the tests below list every stored order
    const own = await openWorkspace(':memory:')
    try {
      const r = await importFile(own, f, { kind: 'orders', now: new Date('2026-01-01T00:00:00Z') })
      expect(r.layout).toBe('line-items')
      const rows = await own.query(
        'SELECT CAST(order_date AS VARCHAR) AS day, amount, quantity FROM orders ORDER BY 1',
      )
      expect(rows).toEqual([
        { day: '2024-02-01', amount: 24, quantity: 3 },
        { day: '2024-03-01', amount: 5, quantity: 1 },
      ])
    } finally {
      await own.close()
    }
  })

  test('orders are their lines summed; lines kept; a cancelled invoice is a refund; again: no change', async () => {
    const f = write(dir, 'retail.csv', RETAIL)
    const r = await orders(f)
    expect(r.layout).toBe('line-items')
    expect(r.columns).toMatchObject({
      order_id: 'InvoiceNo',
      customer_id: 'CustomerID',
      ordered_at: 'InvoiceDate',
      quantity: 'Quantity',
      unit_price: 'UnitPrice',
      line_sku: 'StockCode',
      line_name: 'Description',
    })
    expect(r.dateShape?.label).toBe('month/day/year')
    expect(r).toMatchObject({ rowsRead: 6, rowsStored: 5, lines: 6, rejected: 0 })
    const rows = await engine.query<Record<string, unknown>>(
      `SELECT order_key, customer_id, strftime(ordered_at, '%Y-%m-%d %H:%M') AS at, amount, quantity,
         source_line FROM orders ORDER BY source_line`,
    )
    expect(rows).toEqual([
      // 6 x 2.55 + 6 x 3.39
      {
        order_key: '536365',
        customer_id: '17850',
        at: '2010-12-01 08:26',
        amount: 35.64,
        quantity: 12,
        source_line: 2,
      },
      {
        order_key: '536366',
        customer_id: '17850',
        at: '2010-12-01 08:28',
        amount: 11.1,
        quantity: 6,
        source_line: 4,
      },
      {
        order_key: '536367',
        customer_id: '13047',
        at: '2010-12-13 08:34',
        amount: 54.08,
        quantity: 32,
        source_line: 5,
      },
      {
        order_key: expect.stringMatching(/^C536379:refund:[0-9a-f]{10}:1$/),
        customer_id: '17850',
        at: '2010-12-14 09:41',
        amount: -3.7,
        quantity: -2,
        source_line: 6,
      },
      {
        order_key: '536380',
        customer_id: '13047',
        at: '2010-12-14 10:00',
        amount: 12.75,
        quantity: 3,
        source_line: 7,
      },
    ])
    const lines = await engine.query<Record<string, unknown>>(
      'SELECT order_id, product_id, product_name, quantity, amount FROM order_lines ORDER BY source_line',
    )
    expect(lines[0]).toEqual({
      order_id: '536365',
      product_id: '85123A',
      product_name: 'WHITE HANGING HEART T-LIGHT HOLDER',
      quantity: 6,
      amount: 15.3,
    })
    expect(lines).toHaveLength(6)
    const before = await fingerprint(engine)
    const again = await orders(f)
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 5 })
    const after = await fingerprint(engine)
    expect({ ...after, imports: '' }).toEqual({ ...before, imports: '' })
  })

  test('each bad line is named on its own line; one order with two customers is refused', async () => {
    const f = write(
      dir,
      'bad.csv',
      [
        HEADER,
        '600001,A1,ONE,2,2024-01-02 10:00,1.50,c1,UK',
        '600001,A2,TWO,two,2024-01-02 10:00,1.00,c1,UK',
        '600002,A3,THREE,1,2024-01-03 10:00,,c2,UK',
        '600003,A4,FOUR,1,2024-01-04 10:00,2.00,c3,UK',
        '600003,A5,FIVE,1,2024-01-04 10:00,2.00,c4,UK',
        '600004,A6,SIX,1,2024-01-05 10:00,2.00,,UK',
        '600005,A7,SEVEN,1,2024-01-06 10:00,2.00,c5,UK',
        '600005,A8,EIGHT,2,2024-01-06 10:00,2.00,,UK',
      ].join('\n'),
    )
    const before = await fingerprint(engine)
    const e = await importError(() => orders(f))
    expect(e.problems.map(formatProblem)).toEqual([
      `${f}:3 Quantity: cannot read 'two' as a number`,
      `${f}:4 UnitPrice: empty value: unit_price is required`,
      `${f}:5 CustomerID: the lines of order 600003 name different customers (c3 and c4)`,
      `${f}:6 CustomerID: the lines of order 600003 name different customers (c3 and c4)`,
      `${f}:7 CustomerID: empty value: customer_id is required`,
    ])
    expect(await fingerprint(engine)).toEqual(before)
    // with --skip-bad-rows an order with a bad line is left out whole (not stored short of a line)
    const r = await orders(f, { skipBadRows: true, rejects: `${f}.rejects.csv` })
    expect(r).toMatchObject({ rowsStored: 1, rejected: 6 })
    // a line without a customer belongs to the customer its order's other lines name
    expect(
      await engine.query(
        "SELECT order_id, customer_id, amount FROM orders WHERE order_id LIKE '60000%'",
      ),
    ).toEqual([{ order_id: '600005', customer_id: 'c5', amount: 6 }])
    const rejects = readFileSync(`${f}.rejects.csv`, 'utf8')
    expect(rejects).toContain('order 600001 is left out with its bad line 3')
  })

  test('lines without an order id are orders of their own', async () => {
    const f = write(
      dir,
      'no-id.csv',
      [
        HEADER,
        ',B1,ONE,2,2024-02-01 10:00,1.50,n1,UK',
        ',B2,TWO,1,2024-02-01 11:00,4.00,n2,UK',
        ',B3,THREE,1,2024-02-02 11:00,1.00,,UK',
      ].join('\n'),
    )
    const e = await importError(() => orders(f))
    expect(e.problems.map(formatProblem)).toEqual([
      `${f}:4 CustomerID: empty value: customer_id is required`,
    ])
    const r = await orders(f, { skipBadRows: true, rejects: `${f}.rejects.csv` })
    expect(r).toMatchObject({ rowsStored: 2, rejected: 1, lines: 0 })
    expect(
      await engine.query(
        "SELECT customer_id, amount FROM orders WHERE customer_id IN ('n1', 'n2') ORDER BY 1",
      ),
    ).toEqual([
      { customer_id: 'n1', amount: 3 },
      { customer_id: 'n2', amount: 4 },
    ])
  })

  test('a line whose status says cancelled or refunded is refunded, as an unpaid order is', async () => {
    const f = write(
      dir,
      'status.csv',
      [
        'order_id,customer_id,order_date,product,quantity,unit_price,Order Status',
        'S1,s1,2024-03-01,P,1,10,Shipped',
        'S2,s1,2024-03-03,P,2,20,Cancelled',
        'S3,s1,2024-03-05,P,1,6,Shipped',
        'S3,s1,2024-03-05,Q,1,4,Refunded',
      ].join('\n'),
    )
    const r = await orders(f)
    expect(r.columns).toMatchObject({ status: 'Order Status' })
    const stored = await engine.query(
      "SELECT order_key, amount FROM orders WHERE customer_id = 's1' ORDER BY order_key",
    )
    expect(stored).toEqual([
      { order_key: 'S1', amount: 10 },
      { order_key: 'S2', amount: 40 },
      { order_key: 'S2:refunded', amount: -40 },
      { order_key: 'S3', amount: 10 },
      { order_key: 'S3:refunded', amount: -4 },
    ])
  })

  test("Amazon's order report: item-price is the line's total for its quantity, not a unit price", async () => {
    const tab = (cells: string[]) => cells.join('\t')
    const head = [
      'amazon-order-id',
      'purchase-date',
      'order-status',
      'product-name',
      'sku',
      'quantity-purchased',
      'currency',
      'item-price',
      'buyer-email',
    ]
    const f = write(
      dir,
      'amazon.txt',
      [
        tab(head),
        tab([
          '111-1',
          '2024-03-01T10:00:00+00:00',
          'Shipped',
          'Mug',
          'M1',
          '2',
          'USD',
          '30.00',
          'a@x.com',
        ]),
        tab([
          '111-1',
          '2024-03-01T10:00:00+00:00',
          'Shipped',
          'Tea',
          'T1',
          '1',
          'USD',
          '10.00',
          'a@x.com',
        ]),
        tab([
          '111-2',
          '2024-04-01T10:00:00+00:00',
          'Shipped',
          'Tea',
          'T1',
          '3',
          'USD',
          '30.00',
          'b@x.com',
        ]),
        tab([
          '111-3',
          '2024-04-02T10:00:00+00:00',
          'Cancelled',
          'Tea',
          'T1',
          '2',
          'USD',
          '20.00',
          'b@x.com',
        ]),
      ].join('\n'),
    )
    const r = await orders(f)
    expect(r.layout).toBe('line-items')
    expect(r.columns).toMatchObject({ unit_price: 'item-price', quantity: 'quantity-purchased' })
    expect(
      await engine.query(
        "SELECT order_key, amount, quantity FROM orders WHERE order_key LIKE '111-%' ORDER BY order_key",
      ),
    ).toEqual([
      { order_key: '111-1', amount: 40, quantity: 3 },
      { order_key: '111-2', amount: 30, quantity: 3 },
      { order_key: '111-3', amount: 20, quantity: 2 },
      { order_key: '111-3:refunded', amount: -20, quantity: null },
    ])
    expect(
      await engine.query(
        "SELECT order_id, product_id, amount FROM order_lines WHERE order_id LIKE '111-%' ORDER BY source_line",
      ),
    ).toEqual([
      { order_id: '111-1', product_id: 'M1', amount: 30 },
      { order_id: '111-1', product_id: 'T1', amount: 10 },
      { order_id: '111-2', product_id: 'T1', amount: 30 },
      { order_id: '111-3', product_id: 'T1', amount: 20 },
    ])
    // any other file's item price is per unit
    const g = write(
      dir,
      'item-price.csv',
      ['order_id,customer_id,date,sku,quantity,item price', 'Z1,z,2024-03-01,M1,2,30'].join('\n'),
    )
    await orders(g)
    expect(await engine.query("SELECT amount FROM orders WHERE order_key = 'Z1'")).toEqual([
      { amount: 60 },
    ])
  })

  test('--map amount= names an order amount: the rows are orders again', async () => {
    const f = write(dir, 'mapped.csv', RETAIL)
    const e = await importError(() => orders(f, { map: { amount: 'UnitPrice' } }))
    expect(e.problems.map(formatProblem)).toContain(
      `${f}:3 InvoiceNo: order 536365 also on line 2 with different content (UnitPrice)`,
    )
  })
})
