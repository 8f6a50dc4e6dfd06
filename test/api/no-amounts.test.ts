// A workspace whose orders carry no amounts (a transaction log imported without an amount column,
// every order at 0): `loyals customer` says there is no value in money, tier, loyalty type or
// reasons. The API gave everyone a total value of 0, Bronze and "Bronze: total value 0 is below
// the Platinum minimum of 0 (the top 2 %)".
import { describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { harness, orderEvent, waitJob } from './harness.ts'

describe.each(STORES)('orders without amounts ($name)', (kind) => {
  it('a profile has no value in money, tier, loyalty type or reasons; an amount brings them', async () => {
    // after every order below: a refit counts only the orders placed by its now
    const h = await harness(kind, { now: Date.parse('2025-03-20T12:00:00Z') })
    try {
      const rows: string[] = []
      for (let c = 1; c <= 12; c++) {
        for (let k = 0; k < 1 + (c % 3); k++) {
          const day = `2025-0${1 + k}-${String(c + 1).padStart(2, '0')}`
          rows.push(
            `('o${c}-${k}', 'o${c}-${k}', 'c${c}', TIMESTAMP '${day} 10:00:00', DATE '${day}', 0)`,
          )
        }
      }
      await h.store.use((e) =>
        e.exec(`INSERT INTO orders (order_key, order_id, customer_id, ordered_at, order_date, amount)
          VALUES ${rows.join(', ')}`),
      )
      const start = await h.call('POST', '/v1/jobs/refit', { role: 'analyst' })
      expect((await waitJob(h, start.json.jobId)).status).toBe('succeeded')
      const p = (await h.call('GET', '/v1/customers/c2')).json
      expect(p.orders).toBe(3)
      expect(p.value.total).toBeNull()
      expect(p.tier).toBeNull()
      expect(p.loyaltyType).toBeNull()
      expect(p.reasons).toEqual([])
      expect(p.segment).not.toBeNull()
      expect((await h.call('GET', '/v1/customers?tier=Bronze')).json.customers).toEqual([])
      // an order with an amount is money measured: that customer is valued and tiered
      const res = await h.call('POST', '/v1/events', {
        body: orderEvent('c2', 'paid-1', 40, '2025-02-20T10:00:00Z'),
      })
      expect(res.status).toBe(200)
      const paid = (await h.call('GET', '/v1/customers/c2')).json
      expect(paid.value.total).toBeGreaterThanOrEqual(40)
      expect(paid.tier).not.toBeNull()
      expect(paid.reasons.length).toBeGreaterThan(0)
    } finally {
      await h.close()
    }
  })
})
