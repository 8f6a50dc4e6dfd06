// Rising stars' "items in the first order": the order's quantity when the orders file has one,
// else the first order's lines' quantities summed (an orders file without a quantity column and
// order lines with them had given every customer 1 item, a feature without information).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { INSIGHTS_BASE } from '../../src/data/queries/insights-base.ts'
import {
  INSIGHTS_FIRST,
  insightsFirstOrders,
} from '../../src/data/queries/insights-first-orders.ts'
import { INSIGHTS_DAYS } from '../../src/data/queries/insights-purchase-days.ts'
import { openWorkspace } from '../../src/data/workspace.ts'

describe('first order items', () => {
  let engine: Engine
  beforeAll(async () => {
    engine = await openWorkspace(':memory:')
    // a: two lines (2 + 3 units); b: one line without a quantity and one of 4; c: the orders
    // file's quantity 7 (its one line says 1); d: no lines and no quantity
    await engine.exec(`INSERT INTO orders (order_key, order_id, customer_id, ordered_at, order_date, amount, quantity)
      VALUES ('a1', 'A1', 'a', TIMESTAMP '2024-01-01', DATE '2024-01-01', 50, NULL),
             ('b1', 'B1', 'b', TIMESTAMP '2024-01-02', DATE '2024-01-02', 30, NULL),
             ('c1', 'C1', 'c', TIMESTAMP '2024-01-03', DATE '2024-01-03', 20, 7),
             ('d1', 'D1', 'd', TIMESTAMP '2024-01-04', DATE '2024-01-04', 10, NULL)`)
    await engine.exec(`INSERT INTO order_lines (line_key, order_id, product_id, category, quantity, amount)
      VALUES ('l1', 'A1', 'p1', 'Shoes', 2, 20), ('l2', 'A1', 'p2', 'Socks', 3, 30),
             ('l3', 'B1', 'p3', 'Hats', NULL, 10), ('l4', 'B1', 'p4', 'Hats', 4, 20),
             ('l5', 'C1', 'p5', 'Bags', 1, 20)`)
    await engine.exec(`CREATE OR REPLACE TEMP TABLE ${INSIGHTS_BASE} AS
      SELECT CAST(i AS INTEGER) AS cidx, c AS customer_id, d AS first_purchase
      FROM (VALUES (0, 'a', DATE '2024-01-01'), (1, 'b', DATE '2024-01-02'),
                   (2, 'c', DATE '2024-01-03'), (3, 'd', DATE '2024-01-04')) t(i, c, d)`)
    await engine.exec(`CREATE OR REPLACE TEMP TABLE ${INSIGHTS_DAYS} AS
      SELECT cidx, first_purchase AS day, true AS purchase, CAST(10 AS DOUBLE) AS spend
      FROM ${INSIGHTS_BASE}`)
  })
  afterAll(async () => {
    await engine.close()
  })

  it("are the order's quantity, else its lines' quantities summed, else 1", async () => {
    await engine.exec(insightsFirstOrders('duckdb', { asOf: '2024-06-30', earlyDays: 30 }))
    const rows = await engine.query<{ customer_id: string; q: number }>(
      `SELECT customer_id, CAST(first_quantity AS DOUBLE) AS q FROM ${INSIGHTS_FIRST} ORDER BY 1`,
    )
    expect(rows.map((r) => [r.customer_id, Number(r.q)])).toEqual([
      ['a', 5],
      ['b', 5],
      ['c', 7],
      ['d', 1],
    ])
  })

  it("take the largest line's category, of equal lines the first by name, whatever the line order", async () => {
    // e's two lines of 10 were stored Hats first, f's Bags first: the line order followed the
    // import (a file's row order), and so did the category over-index counted
    await engine.exec(`INSERT INTO orders (order_key, order_id, customer_id, ordered_at, order_date, amount)
      VALUES ('e1', 'E1', 'e', TIMESTAMP '2024-01-05', DATE '2024-01-05', 20),
             ('f1', 'F1', 'f', TIMESTAMP '2024-01-05', DATE '2024-01-05', 20)`)
    await engine.exec(`INSERT INTO order_lines (line_key, order_id, product_id, category, quantity, amount)
      VALUES ('l6', 'E1', 'p6', 'Hats', 1, 10), ('l7', 'E1', 'p7', 'Bags', 1, 10),
             ('l8', 'F1', 'p8', 'Bags', 1, 10), ('l9', 'F1', 'p9', 'Hats', 1, 10)`)
    await engine.exec(
      `INSERT INTO ${INSIGHTS_BASE} VALUES (4, 'e', DATE '2024-01-05'), (5, 'f', DATE '2024-01-05')`,
    )
    await engine.exec(
      `INSERT INTO ${INSIGHTS_DAYS} VALUES (4, DATE '2024-01-05', true, 20), (5, DATE '2024-01-05', true, 20)`,
    )
    await engine.exec(insightsFirstOrders('duckdb', { asOf: '2024-06-30', earlyDays: 30 }))
    const rows = await engine.query<{ customer_id: string; m: string | null }>(
      `SELECT customer_id, main_category AS m FROM ${INSIGHTS_FIRST} ORDER BY 1`,
    )
    expect(rows.map((r) => [r.customer_id, r.m])).toEqual([
      ['a', 'Socks'],
      ['b', 'Hats'],
      ['c', 'Bags'],
      ['d', null],
      ['e', 'Bags'],
      ['f', 'Bags'],
    ])
  })

  it('are the orders at the first instant taken together, not the one whose key sorts first', async () => {
    // g's two orders of one day, no order ids and no times (CDNOW): keys are hashes, and the
    // first order's value was whichever of 10 and 15 hashed first; h's came at two times
    await engine.exec(`INSERT INTO orders (order_key, order_id, customer_id, ordered_at, order_date, amount, quantity, discount, channel)
      VALUES ('9f', NULL, 'g', TIMESTAMP '2024-01-06', DATE '2024-01-06', 10, 1, NULL, 'web'),
             ('1a', NULL, 'g', TIMESTAMP '2024-01-06', DATE '2024-01-06', 15, 2, 3, 'app'),
             ('h2', 'H2', 'h', TIMESTAMP '2024-01-06 09:00', DATE '2024-01-06', 40, 1, NULL, 'web'),
             ('h1', 'H1', 'h', TIMESTAMP '2024-01-06 18:00', DATE '2024-01-06', 60, 1, NULL, 'app')`)
    await engine.exec(`INSERT INTO order_lines (line_key, order_id, product_id, category, quantity, amount)
      VALUES ('l10', 'H2', 'p10', 'Hats', 1, 40), ('l11', 'H1', 'p11', 'Bags', 1, 60)`)
    await engine.exec(
      `INSERT INTO ${INSIGHTS_BASE} VALUES (6, 'g', DATE '2024-01-06'), (7, 'h', DATE '2024-01-06')`,
    )
    await engine.exec(
      `INSERT INTO ${INSIGHTS_DAYS} VALUES (6, DATE '2024-01-06', true, 25), (7, DATE '2024-01-06', true, 100)`,
    )
    await engine.exec(insightsFirstOrders('duckdb', { asOf: '2024-06-30', earlyDays: 30 }))
    const rows = await engine.query(
      `SELECT customer_id, CAST(first_amount AS DOUBLE) AS a, CAST(first_quantity AS DOUBLE) AS q,
         CAST(first_discount AS DOUBLE) AS disc, first_channel AS ch, first_categories AS cats
       FROM ${INSIGHTS_FIRST} WHERE customer_id IN ('g', 'h') ORDER BY 1`,
    )
    expect(rows).toEqual([
      { customer_id: 'g', a: 25, q: 3, disc: 3, ch: 'app', cats: [] },
      { customer_id: 'h', a: 40, q: 1, disc: 0, ch: 'web', cats: ['Hats'] },
    ])
  })

  it('sum the first orders exactly, whatever the order they are added in', async () => {
    // QA: the rising stars' coefficients moved in their last digits from run to run: a day's
    // orders at one instant summed as doubles, (0.1 + 0.2) + 0.3 = 0.6000000000000001 and
    // 0.1 + (0.2 + 0.3) = 0.6, by the order the engine's threads met them
    await engine.exec(`INSERT INTO orders (order_key, order_id, customer_id, ordered_at, order_date, amount)
      VALUES ('m1', 'M1', 'm', TIMESTAMP '2024-01-06', DATE '2024-01-06', 0.1),
             ('m2', 'M2', 'm', TIMESTAMP '2024-01-06', DATE '2024-01-06', 0.2),
             ('m3', 'M3', 'm', TIMESTAMP '2024-01-06', DATE '2024-01-06', 0.3),
             ('n1', 'N1', 'n', TIMESTAMP '2024-01-06', DATE '2024-01-06', 0.3),
             ('n2', 'N2', 'n', TIMESTAMP '2024-01-06', DATE '2024-01-06', 0.2),
             ('n3', 'N3', 'n', TIMESTAMP '2024-01-06', DATE '2024-01-06', 0.1)`)
    await engine.exec(`INSERT INTO ${INSIGHTS_BASE} VALUES
      (8, 'm', DATE '2024-01-06'), (9, 'n', DATE '2024-01-06')`)
    await engine.exec(`INSERT INTO ${INSIGHTS_DAYS} VALUES
      (8, DATE '2024-01-06', true, 0.6), (9, DATE '2024-01-06', true, 0.6)`)
    await engine.exec(insightsFirstOrders('duckdb', { asOf: '2024-06-30', earlyDays: 30 }))
    const rows = await engine.query<{ customer_id: string; a: number }>(
      `SELECT customer_id, first_amount AS a FROM ${INSIGHTS_FIRST} WHERE customer_id IN ('m', 'n') ORDER BY 1`,
    )
    expect(rows.map((r) => [r.customer_id, Number(r.a)])).toEqual([
      ['m', 0.6],
      ['n', 0.6],
    ])
  })

  it('take the channel and campaign both of the first order by key, empty ones too', async () => {
    // QA: p1 has neither, p2 (same instant) both: the first order read p2's channel and
    // campaign, as arg_min of a column skips its NULLs; q1's web with q2's spring made a pair
    // that no order had
    await engine.exec(`INSERT INTO orders (order_key, order_id, customer_id, ordered_at, order_date, amount, channel, campaign)
      VALUES ('p1', 'P1', 'p', TIMESTAMP '2024-01-07 10:00', DATE '2024-01-07', 10, NULL, NULL),
             ('p2', 'P2', 'p', TIMESTAMP '2024-01-07 10:00', DATE '2024-01-07', 20, 'app', 'spring'),
             ('q1', 'Q1', 'q', TIMESTAMP '2024-01-07 10:00', DATE '2024-01-07', 10, 'web', NULL),
             ('q2', 'Q2', 'q', TIMESTAMP '2024-01-07 10:00', DATE '2024-01-07', 20, 'app', 'spring')`)
    await engine.exec(`INSERT INTO ${INSIGHTS_BASE} VALUES
      (10, 'p', DATE '2024-01-07'), (11, 'q', DATE '2024-01-07')`)
    await engine.exec(`INSERT INTO ${INSIGHTS_DAYS} VALUES
      (10, DATE '2024-01-07', true, 30), (11, DATE '2024-01-07', true, 30)`)
    await engine.exec(insightsFirstOrders('duckdb', { asOf: '2024-06-30', earlyDays: 30 }))
    const rows = await engine.query(
      `SELECT customer_id, CAST(first_amount AS DOUBLE) AS a, first_channel AS ch, first_campaign AS camp
       FROM ${INSIGHTS_FIRST} WHERE customer_id IN ('p', 'q') ORDER BY 1`,
    )
    expect(rows).toEqual([
      { customer_id: 'p', a: 30, ch: null, camp: null },
      { customer_id: 'q', a: 30, ch: 'web', camp: null },
    ])
  })

  it('leave out an order refunded in full by the as-of date, first on its day or not', async () => {
    // QA: r's 09:00 order of 80 (app, winter) was refunded in full that afternoon; its 12:00
    // order of 40 (store) was kept, and is the first order. On r's second day the 09:00 order
    // (Hats) was refunded the next day; the 12:00 one (Shoes) is the second order. s's refund
    // came after the as-of date: not yet known, its 09:00 order is still the first
    await engine.exec(`INSERT INTO orders (order_key, order_id, customer_id, ordered_at, order_date, amount, channel, campaign)
      VALUES ('r1', 'R1', 'r', TIMESTAMP '2024-01-08 09:00', DATE '2024-01-08', 80, 'app', 'winter'),
             ('r1x', 'R1', 'r', TIMESTAMP '2024-01-08 15:00', DATE '2024-01-08', -80, NULL, NULL),
             ('r2', 'R2', 'r', TIMESTAMP '2024-01-08 12:00', DATE '2024-01-08', 40, 'store', NULL),
             ('r3', 'R3', 'r', TIMESTAMP '2024-02-01 09:00', DATE '2024-02-01', 90, NULL, NULL),
             ('r3x', 'R3', 'r', TIMESTAMP '2024-02-02 09:00', DATE '2024-02-02', -90, NULL, NULL),
             ('r4', 'R4', 'r', TIMESTAMP '2024-02-01 12:00', DATE '2024-02-01', 30, NULL, NULL),
             ('s1', 'S1', 's', TIMESTAMP '2024-01-08 09:00', DATE '2024-01-08', 80, 'app', 'winter'),
             ('s1x', 'S1', 's', TIMESTAMP '2024-07-08 09:00', DATE '2024-07-08', -80, NULL, NULL),
             ('s2', 'S2', 's', TIMESTAMP '2024-01-08 12:00', DATE '2024-01-08', 40, 'store', NULL)`)
    await engine.exec(`INSERT INTO order_lines (line_key, order_id, product_id, category, quantity, amount)
      VALUES ('l20', 'R3', 'p20', 'Hats', 1, 90), ('l21', 'R4', 'p21', 'Shoes', 1, 30)`)
    await engine.exec(`INSERT INTO ${INSIGHTS_BASE} VALUES
      (12, 'r', DATE '2024-01-08'), (13, 's', DATE '2024-01-08')`)
    await engine.exec(`INSERT INTO ${INSIGHTS_DAYS} VALUES
      (12, DATE '2024-01-08', true, 40), (12, DATE '2024-02-01', true, 30),
      (13, DATE '2024-01-08', true, 120)`)
    await engine.exec(insightsFirstOrders('duckdb', { asOf: '2024-06-30', earlyDays: 30 }))
    const rows = await engine.query(
      `SELECT customer_id, CAST(first_amount AS DOUBLE) AS a, first_channel AS ch,
         first_campaign AS camp, second_categories AS second
       FROM ${INSIGHTS_FIRST} WHERE customer_id IN ('r', 's') ORDER BY 1`,
    )
    expect(rows).toEqual([
      { customer_id: 'r', a: 40, ch: 'store', camp: null, second: ['Shoes'] },
      { customer_id: 's', a: 80, ch: 'app', camp: 'winter', second: null },
    ])
  })
})
