// A cancelled order of 0 (stored with its -1e-9 mark, import-order-rows ZERO_REFUND) after the last
// purchase leaves the default as-of on the last purchase, on both engines (B's cancelled orders
// are no purchase: B is no customer).
import { describe, expect, it } from 'vitest'
import { buildCustomerSummary } from '../../src/service/summary.ts'
import { STORES, storeWithOrders } from './stores.ts'

const ORDERS = `order_id,customer_id,ordered_at,amount
1,A,2024-01-10,50
2,B,2024-02-10,0
2,B,2024-02-10,-1e-9
3,A,2024-03-01,30
4,B,2024-06-30,0
4,B,2024-06-30,-1e-9`

describe.each(STORES)('a cancelled order of 0 after the last purchase on $name', (kind) => {
  const engine = storeWithOrders(kind, ORDERS)
  it('leaves the default as-of on the last purchase', async () => {
    const info = await buildCustomerSummary(engine(), { unit: 'day' })
    expect([info.asOf, info.orders.lastOrder, info.orders.lastDay]).toEqual([
      '2024-03-01',
      '2024-03-01',
      '2024-03-01',
    ])
    const rows = await engine().query(`SELECT customer_id, days_since_last FROM ${info.table}`)
    expect(rows.map((r) => [r.customer_id, Number(r.days_since_last)])).toEqual([['A', 0]])
  })
})
