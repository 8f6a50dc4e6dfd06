// An order refunded in full by two partial refunds is no order, on every path that asks: in
// doubles 30.51 - 15.25 - 15.26 is 3.6e-15, above 0, and the order was still counted (orders and
// average order value in the summary, fees in the value facts, the tracking curve's holdout days,
// the live refit's kept orders). The sums are exact now, as the summary's day spend always was.
import { describe, expect, it } from 'vitest'
import { keptOrders } from '../../src/data/queries/api-refit-aggregates.ts'
import { refundedInFull } from '../../src/data/queries/value-facts.ts'
import { buildCustomerSummary } from '../../src/service/summary.ts'
import { STORES, storeWithOrders, trackedRepeats } from './stores.ts'

// A: its second order (30.51) refunded in two parts, in the calibration period, on the day of
// another order (so the day stays a purchase day and only the order count tells); B: the same in
// the holdout (after 2024-06-30), so the tracking curve meets it; C: a refund a cent short.
const ORDERS = `order_id,customer_id,ordered_at,amount
1,A,2024-02-10 08:00,21.41
2,A,2024-02-10 09:00,30.51
2,A,2024-02-12,-15.25
2,A,2024-02-13,-15.26
3,A,2024-03-10,10.00
4,B,2024-01-05,8.00
5,B,2024-07-10,30.51
5,B,2024-07-11,-15.25
5,B,2024-07-11,-15.26
6,C,2024-01-10,30.51
6,C,2024-01-12,-15.25
6,C,2024-01-13,-15.25
`

describe.each(STORES)('an order refunded in two parts on $name', (kind) => {
  const store = storeWithOrders(kind, ORDERS)

  it('is no order in the summary; a refund a cent short leaves it one', async () => {
    const info = await buildCustomerSummary(store(), { asOf: '2024-06-30', unit: 'day' })
    const rows = await store().query<{
      customer_id: string
      orders: number
      aov: number
      x: number
    }>(`SELECT customer_id, orders, aov, x FROM ${info.table} ORDER BY customer_id`)
    const by = Object.fromEntries(rows.map((r) => [r.customer_id, r]))
    expect(Number(by.A!.orders)).toBe(2)
    expect(Number(by.A!.aov)).toBeCloseTo((21.41 + 10) / 2, 9)
    expect(Number(by.A!.x)).toBe(1)
    expect(Number(by.C!.orders)).toBe(1)
    expect(Number(by.C!.aov)).toBeCloseTo(0.01, 9)
  })

  it('is no purchase day of the tracking curve, and no order of the value facts or the refit', async () => {
    // the tracking curve is analyze's, on DuckDB only
    if (kind.name === 'duckdb') {
      const info = await buildCustomerSummary(store(), { asOf: '2024-06-30', unit: 'day' })
      // the repeat days: A's 2024-03-10 only (02-10 nets to 0; B's 07-10 nets to 0)
      expect(await trackedRepeats(store(), info.table)).toBe(1)
    }
    const full = await store().query<{ customer_id: string; order_id: string }>(
      `SELECT customer_id, order_id FROM (${refundedInFull("DATE '2024-12-31'")}) c
       ORDER BY customer_id, order_id`,
    )
    expect(full.map((r) => `${r.customer_id}:${r.order_id}`)).toEqual(['A:2', 'B:5'])
    const kept = await store().query<{ customer_id: string; n: number }>(
      `SELECT customer_id, count(*) AS n FROM (${keptOrders()}) o WHERE kept
       GROUP BY customer_id ORDER BY customer_id`,
    )
    expect(kept.map((r) => `${r.customer_id}:${Number(r.n)}`)).toEqual(['A:2', 'B:1', 'C:1'])
  })
})
