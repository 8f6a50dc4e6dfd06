// Erasure clears the free text of a customer's returns: a reason may name the person. Returns
// linked to the customer and returns found only through one of their orders both lose it; the
// amounts stay for the aggregates, and another customer's return keeps its reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness } from './harness.ts'

describe.each(STORES)('erasing a customer with returns on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind)
    const orders: [string, string, string][] = [
      ['o-1', 'cA', '2024-01-10 10:00:00'],
      ['o-2', 'cA', '2024-02-10 10:00:00'],
      ['o-3', 'cB', '2024-03-01 09:30:00'],
    ]
    for (const [id, customer, at] of orders) {
      await h.engine.exec({
        sql: `INSERT INTO orders (order_key, order_id, customer_id, ordered_at, order_date, amount)
          VALUES ($1, $1, $2, CAST($3 AS TIMESTAMP), CAST(CAST($3 AS TIMESTAMP) AS DATE), 40)`,
        params: [id, customer, at],
      })
    }
    const returns: [string, string, string | null, string][] = [
      ['r-1', 'o-1', 'cA', "Ann's daughter Erin needed a smaller size"],
      ['r-2', 'o-2', null, 'call Ann on +44 20 7946 0000 about the refund'],
      ['r-3', 'o-3', 'cB', 'damaged in transit'],
    ]
    for (const [id, order, customer, reason] of returns) {
      await h.engine.exec({
        sql: `INSERT INTO returns (return_key, return_id, order_id, customer_id, returned_at, amount, reason)
          VALUES ($1, $1, $2, $3, TIMESTAMP '2024-03-05 12:00:00', 15, $4)`,
        params: [id, order, customer, reason],
      })
    }
  })
  afterAll(async () => {
    await h?.close()
  })

  it('leaves no reason of the erased customer, keeps the amounts and the other reasons', async () => {
    const del = await h.call('DELETE', '/v1/customers/cA')
    expect(del.status).toBe(200)
    const rows = await h.engine.query<{ return_id: string; reason: string | null; amount: number }>(
      'SELECT return_id, reason, amount FROM returns ORDER BY return_id',
    )
    expect(rows.map((r) => [r.return_id, r.reason, Number(r.amount)])).toEqual([
      ['r-1', null, 15],
      ['r-2', null, 15],
      ['r-3', 'damaged in transit', 15],
    ])
    expect(JSON.stringify(rows)).not.toMatch(/Ann|Erin|7946/)
  })
})
