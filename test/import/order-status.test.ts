// An orders file with a status column (WooCommerce, Stripe and most shop exports): an order that
// was never paid or was paid back in full is stored with a refund row of its whole amount, so it
// is no purchase day and adds no revenue; every other status counts as bought.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { formatProblem } from '../../src/errors.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { importNotes, openSource } from '../../src/service/source.ts'
import { buildCustomerSummary } from '../../src/service/summary.ts'
import { tempDir } from '../helpers/cli.ts'
import { importError, write } from './helpers.ts'

const WOO = [
  'Order ID,Order Date,Order Status,Customer Email,Order Total',
  '1001,2024-01-05,completed,a@x.com,50',
  '1002,2024-02-05,Cancelled,a@x.com,70',
  '1003,2024-03-05,refunded,a@x.com,20',
  '1004,2024-03-06,processing,b@x.com,30',
  '1005,2024-03-07,failed,b@x.com,15',
  '1006,2024-03-08,completed,b@x.com,10',
].join('\n')

describe('orders with a status', () => {
  let engine: Engine
  let dir: string
  beforeAll(async () => {
    dir = tempDir('loyals-status-')
    engine = await openWorkspace(':memory:')
  })
  afterAll(async () => {
    await engine.close()
  })

  test('cancelled, refunded and failed orders are refunded in full; the rest count', async () => {
    const f = write(dir, 'woo.csv', WOO)
    const r = await importFile(engine, f, { kind: 'orders', now: new Date('2025-01-01') })
    expect(r.columns).toMatchObject({ status: 'Order Status', customer_id: 'Customer Email' })
    expect(r).toMatchObject({ rowsRead: 6, rowsStored: 9, refunds: 3 })
    const rows = await engine.query('SELECT order_key, amount FROM orders ORDER BY order_key')
    expect(rows).toEqual([
      { order_key: '1001', amount: 50 },
      { order_key: '1002', amount: 70 },
      { order_key: '1002:refunded', amount: -70 },
      { order_key: '1003', amount: 20 },
      { order_key: '1003:refunded', amount: -20 },
      { order_key: '1004', amount: 30 },
      { order_key: '1005', amount: 15 },
      { order_key: '1005:refunded', amount: -15 },
      { order_key: '1006', amount: 10 },
    ])
    const info = await buildCustomerSummary(engine, { unit: 'day' })
    const s = await engine.query(
      `SELECT customer_id, purchase_days, orders, revenue FROM ${info.table} ORDER BY 1`,
    )
    expect(s).toEqual([
      { customer_id: 'a@x.com', purchase_days: 1, orders: 1, revenue: 50 },
      { customer_id: 'b@x.com', purchase_days: 2, orders: 2, revenue: 40 },
    ])
    // importing the file again changes nothing
    const again = await importFile(engine, f, { kind: 'orders', now: new Date('2025-01-01') })
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 9 })
  })

  test("stored WooCommerce statuses (wc-cancelled), Stripe's refunded flag beside amount_refunded, a Währung column", async () => {
    const now = new Date('2025-01-01')
    // a store of its own: these orders are in euros
    const engine = await openWorkspace(':memory:')
    const slugs = write(
      dir,
      'woo-slugs.csv',
      [
        'Order Number,Order Date,Order Status,Customer Email,Order Total,Währung',
        's1,2024-01-05,wc-completed,s@x.com,50,EUR',
        's2,2024-02-05,wc-cancelled,s@x.com,70,EUR',
        's3,2024-03-05,wc-failed,s@x.com,20,EUR',
        // WooCommerce's orders not paid yet: Pending payment, On hold (a transfer to confirm)
        's4,2024-03-06,wc-pending,s@x.com,11,EUR',
        's5,2024-03-07,wc-on-hold,s@x.com,12,EUR',
        's6,2024-03-08,wc-checkout-draft,s@x.com,13,EUR',
        // without the prefix, "pending" is a payment under way (Shopify's), which counts
        's7,2024-03-09,pending,s@x.com,14,EUR',
      ].join('\n'),
    )
    const w = await importFile(engine, slugs, { kind: 'orders', now })
    expect(w).toMatchObject({ refunds: 5 })
    const kept = await engine.query(
      "SELECT order_id FROM orders WHERE customer_id = 's@x.com' GROUP BY order_id HAVING sum(amount) > 0 ORDER BY order_id",
    )
    expect(kept.map((r) => r.order_id)).toEqual(['s1', 's7'])
    expect(w.wooStatuses).toBeUndefined()
    // WooCommerce's REST API and its export plugins write the statuses without the prefix: in a
    // file that is WooCommerce's (order_key, Customer User ID ...), pending, on-hold, its admin's
    // label On hold and a checkout draft are orders not paid yet, as their wc- forms are
    const api = write(
      dir,
      'woo-api.json',
      JSON.stringify(
        [
          ['w1', 'completed'],
          ['w2', 'on-hold'],
          ['w3', 'pending'],
          ['w4', 'checkout-draft'],
          ['w5', 'processing'],
          ['w6', 'On hold'],
          ['w7', 'Draft'],
        ].map(([id, status], i) => ({
          id,
          order_key: `wc_order_${id}`,
          status,
          currency: 'EUR',
          date_created: `2024-04-0${i + 1}T10:00:00`,
          total: '10.00',
          billing: { email: 'api@x.com' },
        })),
      ),
    )
    const a = await importFile(engine, api, { kind: 'orders', now })
    expect(a).toMatchObject({ wooStatuses: true, refunds: 5 })
    expect(importNotes(a).join('\n')).toContain("the orders are WooCommerce's")
    const paid = await engine.query(
      "SELECT order_id FROM orders WHERE customer_id = 'api@x.com' GROUP BY order_id HAVING sum(amount) > 0 ORDER BY order_id",
    )
    expect(paid.map((r) => r.order_id)).toEqual(['w1', 'w5'])
    // the same words in a file of another platform: pending and on hold count (a checkout
    // draft is WooCommerce's word wherever it is written)
    const other = write(
      dir,
      'other-shop.csv',
      [
        'Order ID,Order Date,Order Status,Customer Email,Order Total,Currency',
        'p1,2024-04-01,pending,o@x.com,10,EUR',
        'p2,2024-04-02,On hold,o@x.com,10,EUR',
        'p3,2024-04-03,checkout-draft,o@x.com,10,EUR',
      ].join('\n'),
    )
    const o = await importFile(engine, other, { kind: 'orders', now })
    expect(o).toMatchObject({ refunds: 1 })
    expect(o.wooStatuses).toBeUndefined()
    // a German shop's words: cancelled and refunded in full; partly refunded is a purchase
    const de = write(
      dir,
      'bestellungen.csv',
      [
        'Bestellnummer,Bestelldatum,Bestellstatus,Kunde,Betrag',
        'd1,2024-01-05,Abgeschlossen,k@x.de,50',
        'd2,2024-02-05,Storniert,k@x.de,70',
        'd3,2024-03-05,Rückerstattet,k@x.de,20',
        'd4,2024-03-06,teilweise erstattet,k@x.de,30',
        // ü as u and a combining diaeresis (macOS)
        'd5,2024-03-07,Ru\u0308ckerstattet,k@x.de,15',
      ].join('\n'),
    )
    const g = await importFile(engine, de, { kind: 'orders', now })
    expect(g.columns).toMatchObject({ status: 'Bestellstatus' })
    expect(g).toMatchObject({ refunds: 3 })
    expect(w.columns).toMatchObject({ currency: 'Währung' })
    const stripe = write(
      dir,
      'charges.json',
      JSON.stringify({
        object: 'list',
        data: [
          {
            id: 'ch_1',
            customer: 'cus_1',
            created: 1704067200,
            amount: 40,
            amount_refunded: 10,
            refunded: false,
            currency: 'eur',
          },
          {
            id: 'ch_2',
            customer: 'cus_1',
            created: 1706745600,
            amount: 25,
            amount_refunded: 25,
            refunded: true,
            currency: 'eur',
          },
        ],
        has_more: false,
      }),
    )
    const c = await importFile(engine, stripe, { kind: 'orders', now })
    expect(c.columns).toMatchObject({ refunded: 'amount_refunded' })
    expect(
      await engine.query(
        "SELECT order_key, amount FROM orders WHERE customer_id = 'cus_1' ORDER BY order_key",
      ),
    ).toEqual([
      { order_key: 'ch_1', amount: 40 },
      { order_key: 'ch_1:refunded', amount: -10 },
      { order_key: 'ch_2', amount: 25 },
      { order_key: 'ch_2:refunded', amount: -25 },
    ])
    await engine.close()
  })

  test("Stripe API charges: amounts in the currency's smallest unit, said in a note", async () => {
    const engine = await openWorkspace(':memory:')
    const charge = (id: string, amount: number, refunded: number, currency: string) => ({
      id,
      object: 'charge',
      amount,
      amount_refunded: refunded,
      created: 1704067200,
      currency,
      customer: `cus_${currency}`,
      livemode: false,
      refunded: refunded === amount,
    })
    const f = write(
      dir,
      'api-charges.json',
      JSON.stringify({
        object: 'list',
        data: [
          charge('ch_a', 1999, 500, 'eur'),
          charge('ch_b', 1999, 0, 'jpy'),
          // a thousandth of a dinar is the smallest unit of KWD (and BHD, JOD, OMR, TND)
          charge('ch_d', 5120, 1000, 'kwd'),
          // a float column's whole number (pandas, Parquet DOUBLE) is cents too
          { ...charge('ch_c', 1999, 0, 'usd'), amount: '1999.0' },
        ],
        has_more: false,
      }),
    )
    const r = await importFile(engine, f, { kind: 'orders', now: new Date('2025-01-01') })
    expect(r.minorUnits).toBe(true)
    expect(importNotes(r).join('\n')).toContain("amounts are in the currency's smallest unit")
    expect(await engine.query('SELECT order_key, amount FROM orders ORDER BY order_key')).toEqual([
      { order_key: 'ch_a', amount: 19.99 },
      { order_key: 'ch_a:refunded', amount: -5 },
      { order_key: 'ch_b', amount: 1999 },
      { order_key: 'ch_c', amount: 19.99 },
      { order_key: 'ch_d', amount: 5.12 },
      { order_key: 'ch_d:refunded', amount: -1 },
    ])
    await engine.close()
  })

  test("a refunded amount on the order's row (Stripe's Amount Refunded) is a refund row of it", async () => {
    const f = write(
      dir,
      'stripe.csv',
      [
        'Order ID,Customer Email,Created (UTC),Amount,Amount Refunded,Currency,Status',
        'S1,c@x.com,2024-05-01 10:00:00,100.00,0.00,usd,Paid',
        'S2,c@x.com,2024-05-03 10:00:00,80.00,30.00,usd,Paid',
        'S3,c@x.com,2024-05-05 10:00:00,40.00,40.00,usd,Paid',
        'S4,c@x.com,2024-05-07 10:00:00,25.00,0.00,usd,Failed',
      ].join('\n'),
    )
    const r = await importFile(engine, f, { kind: 'orders', now: new Date('2025-01-01') })
    expect(r.columns).toMatchObject({ ordered_at: 'Created (UTC)', refunded: 'Amount Refunded' })
    const rows = await engine.query(
      "SELECT order_key, amount FROM orders WHERE order_id LIKE 'S%' ORDER BY order_key",
    )
    expect(rows).toEqual([
      { order_key: 'S1', amount: 100 },
      { order_key: 'S2', amount: 80 },
      { order_key: 'S2:refunded', amount: -30 },
      { order_key: 'S3', amount: 40 },
      { order_key: 'S3:refunded', amount: -40 },
      { order_key: 'S4', amount: 25 },
      { order_key: 'S4:refunded', amount: -25 },
    ])
    const info = await buildCustomerSummary(engine, { unit: 'day' })
    const [c] = await engine.query(
      `SELECT purchase_days, revenue FROM ${info.table} WHERE customer_id = 'c@x.com'`,
    )
    // S1 and S2 (50 kept) are purchases; S3 was refunded in full, S4 never paid
    expect(c).toEqual({ purchase_days: 2, revenue: 150 })
  })
  test("a guest's payment without a Customer ID is the customer of its Customer Email (Stripe's payments export)", async () => {
    const f = write(
      dir,
      'stripe-guests.csv',
      [
        'id,Created (UTC),Amount,Amount Refunded,Currency,Status,Customer ID,Customer Email',
        'ch_1,2024-06-01 10:00:00,20.00,0.00,usd,Paid,cus_A,a@x.com',
        'ch_2,2024-06-05 10:00:00,30.00,0.00,usd,Paid,,Guest@Y.com',
        'ch_3,2024-06-09 10:00:00,15.00,0.00,usd,Paid,,guest@y.com',
        'ch_4,2024-06-10 10:00:00,12.00,0.00,usd,Paid,cus_A,',
        'ch_5,2024-06-11 10:00:00,9.00,0.00,usd,Paid,,',
      ].join('\n'),
    )
    const e = await importError(() =>
      importFile(engine, f, { kind: 'orders', now: new Date('2025-01-01') }),
    )
    // a row with neither names both columns
    expect(e.problems.map(formatProblem)).toEqual([
      `${f}:6 Customer ID: empty value: customer_id is required (Customer ID, else Customer Email: both empty)`,
    ])
    const ok = write(dir, 'stripe-guests-ok.csv', readFileSync(f, 'utf8').replace(/\nch_5.*/, ''))
    const r = await importFile(engine, ok, { kind: 'orders', now: new Date('2025-01-01') })
    expect(r.columns).toMatchObject({
      customer_id: 'Customer ID',
      customer_email: 'Customer Email',
    })
    expect(importNotes(r)).toContain(
      `${ok}: a row whose Customer ID is empty, 0 or NULL (a guest's order) takes the email address in its Customer Email as its customer (--map "customer_id=Customer Email" reads every row's customer from that column)`,
    )
    const rows = await engine.query(
      "SELECT order_id, customer_id FROM orders WHERE order_id LIKE 'ch_%' ORDER BY order_id",
    )
    // the email as a customer id is (lower case); the id column wins where it has one
    expect(rows).toEqual([
      { order_id: 'ch_1', customer_id: 'cus_A' },
      { order_id: 'ch_2', customer_id: 'guest@y.com' },
      { order_id: 'ch_3', customer_id: 'guest@y.com' },
      { order_id: 'ch_4', customer_id: 'cus_A' },
    ])
  })

  test("a guest's id written as NULL or 0 takes the email too; only an email address stands in; an API's top-level email before its nested one", async () => {
    const f = write(
      dir,
      'guests-marked.csv',
      [
        'order_id,customer_id,customer_email,created_at,grand_total',
        'G1,5,ann@x.com,2024-03-01 10:00:00,25',
        'G2,NULL,bob@y.com,2024-03-05 10:00:00,40',
        'G3,0,Bob@Y.com,2024-03-09 10:00:00,60',
        'G4,nan,cat@z.com,2024-03-10 10:00:00,5',
      ].join('\n'),
    )
    await importFile(engine, f, { kind: 'orders', now: new Date('2025-01-01') })
    expect(
      await engine.query(
        "SELECT order_id, customer_id FROM orders WHERE order_id LIKE 'G%' ORDER BY order_id",
      ),
    ).toEqual([
      { order_id: 'G1', customer_id: '5' },
      { order_id: 'G2', customer_id: 'bob@y.com' },
      { order_id: 'G3', customer_id: 'bob@y.com' },
      { order_id: 'G4', customer_id: 'cat@z.com' },
    ])
    // a till's words in the email column are no customer: the rows stay bad, as without the column
    const till = write(
      dir,
      'till.csv',
      'Order ID,Customer ID,Customer Email,Order Date,Total\nP1,C1,ann@x.com,2024-03-01,25\nP2,,Walk-in Customer,2024-03-05,40\nP3,,guest,2024-03-09,60\n',
    )
    const e = await importError(() =>
      importFile(engine, till, { kind: 'orders', now: new Date('2025-01-01') }),
    )
    expect(e.problems.map((p) => p.line)).toEqual([3, 4])
    // Shopify's order JSON: customer is null for a guest, whose email is the order's own
    const rest = write(
      dir,
      'shopify-rest.jsonl',
      [
        {
          id: 5001,
          email: 'ann@x.com',
          created_at: '2024-03-01T10:00:00Z',
          total_price: '25.00',
          customer: { id: 7001, email: 'ann@x.com' },
        },
        {
          id: 5002,
          email: 'Dan@Y.com',
          created_at: '2024-03-05T10:00:00Z',
          total_price: '40.00',
          customer: null,
        },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n'),
    )
    const r = await importFile(engine, rest, { kind: 'orders', now: new Date('2025-01-01') })
    expect(r.columns).toMatchObject({ customer_id: 'customer.id', customer_email: 'email' })
    expect(
      await engine.query(
        "SELECT order_id, customer_id FROM orders WHERE order_id IN ('5001', '5002') ORDER BY order_id",
      ),
    ).toEqual([
      { order_id: '5001', customer_id: '7001' },
      { order_id: '5002', customer_id: 'dan@y.com' },
    ])
  })

  test("WooCommerce's order export: Billing Email Address, Order Total Amount and Order Refund Amount are recognised", async () => {
    const f = write(
      dir,
      'woo-export.csv',
      [
        'Order Number,Order Status,Order Date,Billing Email Address,Billing Country,Order Total Amount,Order Refund Amount,Order Currency',
        'W1,completed,2024-08-01 10:22,e@x.com,US,"1,250.00",250.00,USD',
        'W2,refunded,2024-08-03 09:00,e@x.com,US,80.00,80.00,USD',
        'W3,completed,2024-08-09 08:00,e@x.com,US,310.00,0.00,USD',
      ].join('\n'),
    )
    const r = await importFile(engine, f, { kind: 'orders', now: new Date('2025-01-01') })
    expect(r.columns).toMatchObject({
      customer_id: 'Billing Email Address',
      amount: 'Order Total Amount',
      order_id: 'Order Number',
      status: 'Order Status',
      refunded: 'Order Refund Amount',
    })
    const info = await buildCustomerSummary(engine, { unit: 'day' })
    const [c] = await engine.query(
      `SELECT purchase_days, revenue FROM ${info.table} WHERE customer_id = 'e@x.com'`,
    )
    expect(c).toEqual({ purchase_days: 2, revenue: 1310 })
  })
  test("Etsy's sold orders (Sale Date, Buyer User ID, Order Total); a customers export says its kind", async () => {
    const f = write(
      dir,
      'EtsySoldOrders.csv',
      [
        'Sale Date,Order ID,Buyer User ID,Full Name,Buyer,Number of Items,Currency,Order Value,Order Total,Status',
        '01/15/24,E1,777,Ann B,annb,1,USD,20.00,24.50,Completed',
        '02/07/24,E2,777,Ann B,annb,2,USD,30.00,35.00,Completed',
      ].join('\n'),
    )
    const r = await importFile(engine, f, { kind: 'orders', now: new Date('2025-01-01') })
    expect(r.columns).toMatchObject({
      ordered_at: 'Sale Date',
      customer_id: 'Buyer User ID',
      amount: 'Order Total',
      order_id: 'Order ID',
    })
    // month/day/two-digit year (01/05/24 alone would be the year 1 in ISO 8601's reading)
    expect(
      await engine.query(
        "SELECT CAST(order_date AS VARCHAR) AS day FROM orders WHERE order_key IN ('E1', 'E2') ORDER BY 1",
      ),
    ).toEqual([{ day: '2024-01-15' }, { day: '2024-02-07' }])
    const c = write(
      dir,
      'customers_export.csv',
      'First Name,Last Name,Email,City,Country,Total Spent,Total Orders\nAnn,B,a@x.com,Oslo,NO,59.5,2\n',
    )
    await expect(importFile(engine, c, { kind: 'orders' })).rejects.toThrow(
      /This looks like a customers file \(one row per customer\), not orders: import it with --kind customers\./,
    )
    // a product catalog (the generator's products.csv) is no kind at all; order lines are not one
    const catalog = write(
      dir,
      'products.csv',
      'product_id,product_name,brand,category,list_price\nP0001,Lens,Acme,Optics,19.90\n',
    )
    await expect(importFile(engine, catalog, { kind: 'orders' })).rejects.toThrow(
      /This looks like a product catalog \(one row per product\), which Loyals does not import/,
    )
    const lines = write(
      dir,
      'lines.csv',
      'order_id,product_id,product_name,quantity,amount\nO1,P0001,Lens,1,19.90\n',
    )
    await expect(importFile(engine, lines, { kind: 'orders' })).rejects.toThrow(
      /This looks like order lines \(one row per product of an order\): import it with --kind order-lines/,
    )
    // an orders file that only lacks its date is not taken for order lines
    const undated = write(
      dir,
      'undated.csv',
      'order_id,customer_id,product_id,amount\nO1,C1,P1,5\n',
    )
    await expect(importFile(engine, undated, { kind: 'orders' })).rejects.not.toThrow(/order lines/)
  })

  test('an orders export imported as customers says so instead of one error per line item', async () => {
    const shopify = write(
      dir,
      'shopify_orders.csv',
      [
        'Name,Email,Financial Status,Paid at,Currency,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,Id',
        '#1001,a@x.com,paid,2023-04-24,USD,89.64,2023-04-24,1,Tee,24.00,5001',
        '#1001,a@x.com,,,,,,2,Cap,29.00,',
      ].join('\n'),
    )
    await expect(importFile(engine, shopify, { kind: 'customers' })).rejects.toThrow(
      /shopify_orders\.csv: This looks like a Shopify orders export \(one row per line item\), not customers: import it with --kind orders\./,
    )
    const plain = write(
      dir,
      'plain_orders.csv',
      'order_id,customer_id,order_date,total\nA1,c1,2024-01-02,10\n',
    )
    await expect(importFile(engine, plain, { kind: 'customers' })).rejects.toThrow(
      /plain_orders\.csv: This looks like an orders file .* import it with --kind orders\./,
    )
    // a customers file with a spend total is still a customers file
    const customers = write(
      dir,
      'customers_ok.csv',
      'customer_id,signup_date,Total Spent,Total Orders\nc9,2024-01-01,59.5,2\n',
    )
    await expect(importFile(engine, customers, { kind: 'customers' })).resolves.toBeDefined()
  })

  test("Stripe's own header: a bare id is the payment's (order) id when the customer is named", async () => {
    const f = write(
      dir,
      'payments.csv',
      [
        'id,Description,Created (UTC),Amount,Amount Refunded,Currency,Status,Customer ID',
        'ch_1,,2024-06-01 10:00:00,60.00,0.00,usd,Paid,cus_A',
        'ch_2,,2024-06-02 10:00:00,45.00,0.00,usd,Failed,cus_A',
        'ch_3,,2024-06-09 10:00:00,15.00,0.00,usd,Paid,cus_A',
        // never paid: blocked by Stripe's fraud rules, or the customer never finished paying
        'ch_4,,2024-06-10 10:00:00,500.00,0.00,usd,Blocked,cus_A',
        'ch_5,,2024-06-11 10:00:00,300.00,0.00,usd,Incomplete,cus_A',
      ].join('\n'),
    )
    const r = await importFile(engine, f, { kind: 'orders', now: new Date('2025-01-01') })
    expect(r.columns).toMatchObject({ order_id: 'id', customer_id: 'Customer ID' })
    expect(r.guessedCustomer).toBeNull()
    const keys = await engine.query(
      "SELECT order_key FROM orders WHERE customer_id = 'cus_A' ORDER BY order_key",
    )
    expect(keys.map((k) => k.order_key)).toEqual([
      'ch_1',
      'ch_2',
      'ch_2:refunded',
      'ch_3',
      'ch_4',
      'ch_4:refunded',
      'ch_5',
      'ch_5:refunded',
    ])
    const info = await buildCustomerSummary(engine, { unit: 'day' })
    const [c] = await engine.query(
      `SELECT purchase_days, revenue FROM ${info.table} WHERE customer_id = 'cus_A'`,
    )
    expect(c).toEqual({ purchase_days: 2, revenue: 75 })
  })

  test("Stripe's payment intents waiting for the customer took no money; processing ones count", async () => {
    const f = write(
      dir,
      'intents.csv',
      [
        'id,created,amount,currency,status,customer',
        'pi_1,2024-06-01 10:00:00,60.00,usd,succeeded,cus_B',
        'pi_2,2024-06-02 10:00:00,45.00,usd,requires_payment_method,cus_B',
        'pi_3,2024-06-03 10:00:00,25.00,usd,requires_action,cus_B',
        'pi_4,2024-06-04 10:00:00,35.00,usd,requires_confirmation,cus_B',
        'pi_5,2024-06-05 10:00:00,15.00,usd,processing,cus_B',
        'pi_6,2024-06-06 10:00:00,99.00,usd,canceled,cus_B',
      ].join('\n'),
    )
    await importFile(engine, f, { kind: 'orders', now: new Date('2025-01-01') })
    const info = await buildCustomerSummary(engine, { unit: 'day' })
    const [c] = await engine.query(
      `SELECT purchase_days, revenue FROM ${info.table} WHERE customer_id = 'cus_B'`,
    )
    expect(c).toEqual({ purchase_days: 2, revenue: 75 })
  })

  test("Shopify's Expired financial status (an authorization never captured) took no money", async () => {
    const f = write(
      dir,
      'shopify-status.csv',
      [
        'Name,Email,Financial Status,Created at,Total',
        '#1001,exp@x.com,paid,2024-06-01 10:00:00 +0000,60.00',
        '#1002,exp@x.com,expired,2024-06-02 10:00:00 +0000,45.00',
        '#1003,exp@x.com,Expired,2024-06-03 10:00:00 +0000,25.00',
        '#1004,exp@x.com,partially_refunded,2024-06-04 10:00:00 +0000,15.00',
      ].join('\n'),
    )
    await importFile(engine, f, { kind: 'orders', now: new Date('2025-01-01') })
    const info = await buildCustomerSummary(engine, { unit: 'day' })
    const [c] = await engine.query(
      `SELECT purchase_days, revenue FROM ${info.table} WHERE customer_id = 'exp@x.com'`,
    )
    expect(c).toEqual({ purchase_days: 2, revenue: 75 })
  })

  test("a Shopify orders export's expired order took no money, cancelled or not, mapped or not", async () => {
    const header =
      'Name,Email,Financial Status,Currency,Subtotal,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,Refunded Amount,Cancelled at'
    const f = write(
      dir,
      'shopify-expired.csv',
      [
        header,
        '#1,exp2@x.com,expired,USD,50.00,50.00,2024-01-01 10:00:00 -0500,1,Mug,50.00,0.00,',
        '#2,exp2@x.com,paid,USD,30.00,30.00,2024-01-10 10:00:00 -0500,1,Cup,30.00,0.00,',
        '#3,exp2@x.com,authorized,USD,20.00,20.00,2024-01-12 10:00:00 -0500,1,Pen,20.00,0.00,',
      ].join('\n'),
    )
    for (const map of [undefined, { status: 'Financial Status' }]) {
      const w = await openWorkspace(':memory:')
      try {
        const r = await importFile(w, f, { kind: 'orders', now: new Date('2025-01-01'), map })
        expect(r.layout).toBe('shopify-orders')
        const info = await buildCustomerSummary(w, { unit: 'day', asOf: '2024-01-31' })
        const s = await w.query(`SELECT customer_id, purchase_days, revenue FROM ${info.table}`)
        // an open authorization is a sale, as in Shopify's own reports; the expired one is not
        expect(s, JSON.stringify(map)).toEqual([
          { customer_id: 'exp2@x.com', purchase_days: 2, revenue: 50 },
        ])
      } finally {
        await w.close()
      }
    }
  })

  test('without order ids, a failed or refunded row is still no purchase: its pair gets an id', async () => {
    const rows = [
      'customer,date,amount,status',
      'd1,2024-07-01,10,paid',
      'd1,2024-07-02,20,failed',
      'd1,2024-07-02,20,failed',
      'd1,2024-07-03,30,paid',
      'd2,2024-07-05,5,refunded',
    ]
    const f = write(dir, 'noids.csv', rows.join('\n'))
    const r = await importFile(engine, f, { kind: 'orders', now: new Date('2025-01-01') })
    // 5 rows and a refund row for each of the three unpaid ones
    expect(r).toMatchObject({ rowsRead: 5, rowsStored: 8, refunds: 3 })
    const pairs = await engine.query<{ n: number; linked: number }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE o.order_id IS NOT NULL) AS linked
       FROM orders r LEFT JOIN orders o ON o.order_key = r.order_id
       WHERE r.source = '${f}' AND r.amount < 0`,
    )
    expect(pairs).toEqual([{ n: 3, linked: 3 }])
    const info = await buildCustomerSummary(engine, { unit: 'day', asOf: '2024-07-31' })
    const s = await engine.query(
      `SELECT customer_id, purchase_days, revenue FROM ${info.table} WHERE customer_id IN ('d1', 'd2') ORDER BY 1`,
    )
    // d1 bought on the 1st and 3rd (the 2nd's two payments failed); d2 never paid: no customer
    expect(s).toEqual([{ customer_id: 'd1', purchase_days: 2, revenue: 40 }])
    const again = await importFile(engine, f, { kind: 'orders', now: new Date('2025-01-01') })
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 8 })
  })

  test('a refund row (amount < 0) whose status says refunded, or whose refunded column restates it, is that refund once', async () => {
    // WooCommerce's analytics export lists a refund as its own line: net sales -100, status Refunded
    const f = write(
      dir,
      'woo-refund-lines.csv',
      [
        'order_id,customer,date,amount,status,refunded',
        '702,a,2024-05-01,100,completed,',
        '702,a,2024-05-02,-100,refunded,',
        '703,a,2024-05-03,10,completed,',
        '704,b,2024-05-03,5,completed,',
        '705,b,2024-05-04,40,completed,',
        '705,b,2024-05-05,-40,completed,40',
      ].join('\n'),
    )
    const e = await openWorkspace(':memory:')
    try {
      const r = await importFile(e, f, { kind: 'orders', now: new Date('2025-01-01') })
      expect(r).toMatchObject({ rowsRead: 6, refunds: 2 })
      const info = await buildCustomerSummary(e, { unit: 'day' })
      const s = await e.query(
        `SELECT customer_id, purchase_days, orders, revenue, first_purchase FROM ${info.table} ORDER BY 1`,
      )
      expect(s).toEqual([
        {
          customer_id: 'a',
          purchase_days: 1,
          orders: 1,
          revenue: 10,
          first_purchase: '2024-05-03',
        },
        { customer_id: 'b', purchase_days: 1, orders: 1, revenue: 5, first_purchase: '2024-05-03' },
      ])
    } finally {
      await e.close()
    }
  })

  test('German, Dutch and Italian export headers name the amount and the order id', async () => {
    const cases = [
      ['Bestellnr;Kunde;Datum;Gesamtsumme', 'Bestellnr', 'Gesamtsumme'],
      ['Auftragsnummer;Kunde;Datum;Rechnungsbetrag', 'Auftragsnummer', 'Rechnungsbetrag'],
      ['Ordernummer;Klant;Datum;Totaalbedrag', 'Ordernummer', 'Totaalbedrag'],
      ['Numero ordine;Cliente;Data;Importo totale', 'Numero ordine', 'Importo totale'],
      // QA: "Bestellung" and "Customer's Email" went unread
      ["Bestellung;Customer's Email;Datum;Betrag", 'Bestellung', 'Betrag'],
    ] as const
    for (const [header, order, amount] of cases) {
      const f = write(
        dir,
        `${order}.csv`,
        `${header}\nN1;k1;2024-01-05;12,50\nN2;k1;2024-01-06;7,00\n`,
      )
      const r = await importFile(engine, f, { kind: 'orders', now: new Date('2025-01-01') })
      expect(r.columns, header).toMatchObject({ order_id: order, amount })
      if (header.includes("Customer's Email")) {
        expect(r.columns.customer_id).toBe("Customer's Email")
      }
    }
  })

  test('analyze FILE says what loyals import warns of refunds: more than paid, before the order', async () => {
    const f = write(
      dir,
      'over-refund.csv',
      [
        'order_id,customer_id,ordered_at,amount',
        '2005,a,2024-03-05,55',
        '2005,a,2024-03-06,-60',
        '2006,b,2024-03-07,10',
        '2006,b,2024-03-01,-4',
      ].join('\n'),
    )
    const { engine: e, notes } = await openSource(f)
    await e.close()
    expect(notes).toContain(
      `${f}: 1 order is refunded by more than it was paid (2005 (line 3): 60.00 refunded of 55.00 paid); taken as given, so revenue nets the whole refund: check the refund amounts or their order ids`,
    )
    expect(notes.some((n) => n.includes('1 order is refunded before it was placed (2006'))).toBe(
      true,
    )
  })

  test('flat JSON records get the notes a CSV gets of unread columns; nested ones do not', async () => {
    const rec = (c: string, d: string) =>
      JSON.stringify({ customer_id: c, email: `${c}@x.com`, date: d, amount: 5, junk: 'x' })
    const flat = write(
      dir,
      'flat.ndjson',
      `${rec('j1', '2024-01-01')}\n${rec('j2', '2024-01-02')}\n`,
    )
    const r = await importFile(engine, flat, { kind: 'orders', now: new Date('2025-01-01') })
    // the email stands in for a customer id a record lacks (none here)
    expect(r.unusedColumns).toEqual(['junk'])
    expect(r.columns).toMatchObject({ customer_id: 'customer_id', customer_email: 'email' })
    expect(r.otherCustomers).toBeUndefined()
    const nested = write(
      dir,
      'nested.ndjson',
      `${JSON.stringify({ id: 1, customer: { id: 7, email: 'n@x.com' }, created_at: '2024-01-01T00:00:00Z', total_price: '5.00' })}\n`,
    )
    const n = await importFile(engine, nested, { kind: 'orders', now: new Date('2025-01-01') })
    expect(n.unusedColumns).toEqual([])
    expect(n.otherCustomers).toBeUndefined()
  })

  test("a Shopify export's item row naming another customer than its order is a bad row", async () => {
    const head =
      'Name,Email,Financial Status,Created at,Total,Lineitem quantity,Lineitem name,Lineitem price'
    const f = write(
      dir,
      'shopify-two-customers.csv',
      [
        head,
        '#2004,x@y.com,paid,2024-01-01 10:00:00 +0100,30,1,A,10',
        '#2004,z@y.com,,,,2,B,10',
        // an item row without an email is the order's, as Shopify writes them
        '#2005,x@y.com,paid,2024-01-02 10:00:00 +0100,5,1,C,5',
        '#2005,,,,,1,D,0',
      ].join('\n'),
    )
    const e = await importError(() =>
      importFile(engine, f, { kind: 'orders', now: new Date('2025-01-01') }),
    )
    expect(e.problems.map(formatProblem)).toEqual([
      // the item row naming another customer is named beside the order's row (it was left out)
      `${f}:2 Email: the rows of order #2004 name different customers (x@y.com and z@y.com); the item row on line 3 names another customer than the order's row`,
    ])
  })

  test("a replaced refund row is named as its order's refund, not as the order a second time", async () => {
    const e = await openWorkspace(':memory:')
    try {
      const file = (refunded: number) =>
        write(
          dir,
          `partial-${refunded}.csv`,
          `order_id,customer_id,ordered_at,amount,refunded\nP1002,a,2024-02-02,100,${refunded}\n`,
        )
      await importFile(e, file(50), { kind: 'orders', now: new Date('2025-01-01') })
      const r = await importFile(e, file(20), { kind: 'orders', now: new Date('2025-01-01') })
      expect(r.changedOrders).toEqual([{ orderId: "P1002's refund", what: 'amount -50 -> -20' }])
    } finally {
      await e.close()
    }
  })

  test("a cancelled order's bad amount is said once, as the amount's (not again under status)", async () => {
    const e = await openWorkspace(':memory:')
    try {
      const f = write(
        dir,
        'bad-status.csv',
        'order_id,customer_id,order_date,amount,status\nO1,c1,2024-01-01,10.00,completed\nO2,c1,2024-01-02,abc,cancelled\nO3,c2,2024-01-03,abc,completed\n',
      )
      const err = await importError(() => importFile(e, f, { kind: 'orders' }))
      expect(err.problems.map((p) => [p.line, p.column, p.reason])).toEqual([
        [3, 'amount', "cannot read 'abc' as an amount"],
        [4, 'amount', "cannot read 'abc' as an amount"],
      ])
      expect(err.details).toMatchObject({ total: 2 })
    } finally {
      await e.close()
    }
  })
})
