// A refund giving back more than its order's amount (150 of an order of 100) took the excess off
// the day's other orders: a paid order of 20 on that day, never refunded, was no purchase (the day
// netted to -30), and a customer whose only day it was fell out of the analysis. The excess now
// comes off the customer's revenue on no day, as a refund naming no order does; the summary, the
// tracking curve and the live refit agree on the purchase days.
import { describe, expect, it } from 'vitest'
import { buildCustomerSummary } from '../../src/service/summary.ts'
import { STORES, storeWithOrders, trackedRepeats } from './stores.ts'

// A: order 2 (100) refunded 150, beside order 3 (20) on 03-01, in the calibration period;
// B: the same in the holdout (after 2024-06-30); C: only an over-refunded order and a paid one
// on one day.
const ORDERS = `order_id,customer_id,ordered_at,amount
1,A,2024-02-01,50.00
2,A,2024-03-01 09:00,100.00
2,A,2024-03-03,-150.00
3,A,2024-03-01 10:00,20.00
4,A,2024-04-01,30.00
5,B,2024-01-05,8.00
6,B,2024-07-10,40.00
6,B,2024-07-11,-60.00
7,B,2024-07-10,5.00
8,C,2024-05-01,100.00
8,C,2024-05-01,-150.00
9,C,2024-05-01,20.00
`

describe.each(STORES)('a refund above its order on $name', (kind) => {
  const store = storeWithOrders(kind, ORDERS)

  it("leaves the day's paid orders a purchase; the excess is off the revenue", async () => {
    const info = await buildCustomerSummary(store(), { asOf: '2024-06-30', unit: 'day' })
    const rows = await store().query<Record<string, unknown>>(
      `SELECT customer_id, x, orders, revenue, monetary, purchase_days, x_star, holdout_revenue
       FROM ${info.table} ORDER BY customer_id`,
    )
    const by = Object.fromEntries(
      rows.map((r) => [
        r.customer_id,
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [k, k === 'customer_id' ? v : Number(v)]),
        ),
      ]),
    )
    // A: 02-01 (50), 03-01 (20: order 3; order 2 refunded in full), 04-01 (30)
    expect(by.A).toMatchObject({ x: 2, orders: 3, revenue: 50, monetary: 25, purchase_days: 3 })
    // B: the holdout day 07-10 is a purchase (order 7), its revenue 40 - 60 + 5
    expect(by.B).toMatchObject({ x: 0, orders: 1, revenue: 8, x_star: 1, holdout_revenue: -15 })
    // C: one purchase day (order 9), revenue 100 - 150 + 20
    expect(by.C).toMatchObject({ x: 0, orders: 1, revenue: -30, purchase_days: 1 })
    if (kind.name === 'duckdb') {
      // the repeat days: A's 03-01 and 04-01, B's 07-10 (the summary's x + x_star)
      expect(await trackedRepeats(store(), info.table)).toBe(3)
    }
  })
})
