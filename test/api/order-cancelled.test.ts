// "Order Cancelled" (Segment's e-commerce spec): the order is taken back whole, as a refund of
// what is left of it after its refunds, stored once however often the call is sent; the refit
// then counts no purchase on its day. It used to be stored as an event of no meaning, the
// cancelled order counting as a purchase for good.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { count, type Harness, harness, orderEvent, waitJob } from './harness.ts'

const cancel = (
  customer: string,
  orderId: string,
  messageId: string,
  at = '2025-02-12T09:00:00Z',
) => ({
  type: 'track',
  messageId,
  userId: customer,
  event: 'Order Cancelled',
  timestamp: at,
  properties: { order_id: orderId, reason: 'changed their mind', total: 999 },
})

const refund = (customer: string, orderId: string, total: number, messageId: string) => ({
  type: 'track',
  messageId,
  userId: customer,
  event: 'Order Refunded',
  timestamp: '2025-02-11T09:00:00Z',
  properties: { order_id: orderId, total, refund_id: messageId },
})

describe.each(STORES)('an order cancelled through the API on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind, { now: Date.parse('2025-03-01T12:00:00Z') })
  })
  afterAll(async () => {
    await h.close()
  })
  const send = (body: unknown) => h.call('POST', '/v1/events', { body })
  const rows = (customer: string) =>
    h.store.use((e) =>
      e.query<{ order_key: string; amount: number }>({
        sql: 'SELECT order_key, amount FROM orders WHERE customer_id = $1 ORDER BY ordered_at, order_key',
        params: [customer],
      }),
    )

  it('refunds what is left of the order, once', async () => {
    expect((await send(orderEvent('c1', 'keep', 40, '2025-01-05T10:00:00Z'))).status).toBe(200)
    expect((await send(orderEvent('c1', 'o1', 100, '2025-02-10T10:00:00Z'))).status).toBe(200)
    expect((await send(refund('c1', 'o1', 30, 'r1'))).status).toBe(200)
    const res = await send(cancel('c1', 'o1', 'x1'))
    expect(res.status).toBe(200)
    expect(await rows('c1')).toEqual([
      { order_key: 'keep', amount: 40 },
      { order_key: 'o1', amount: 100 },
      { order_key: 'o1:r1', amount: -30 },
      { order_key: 'o1:cancelled', amount: -70 },
    ])
    expect((await h.call('GET', '/v1/customers/c1')).json.revenue).toBe(40)
    // the same cancellation again, under another message id: nothing more is taken back
    expect((await send(cancel('c1', 'o1', 'x2'))).status).toBe(200)
    expect(await rows('c1')).toHaveLength(4)
    expect((await h.call('GET', '/v1/customers/c1')).json.revenue).toBe(40)
    // the refit counts one order: the cancelled one is no purchase
    const job = await h.call('POST', '/v1/jobs/refit', {})
    expect((await waitJob(h, job.json.jobId)).status).toBe('succeeded')
    const profile = (await h.call('GET', '/v1/customers/c1')).json
    expect(profile).toMatchObject({
      revenue: 40,
      orders: 1,
      lastOrderDay: '2025-01-05',
      loyaltyType: 'one_time_buyer',
    })
  })

  it('stores nothing for an order refunded whole already', async () => {
    expect((await send(orderEvent('c2', 'o2', 25, '2025-02-10T10:00:00Z'))).status).toBe(200)
    expect((await send(refund('c2', 'o2', 25, 'r2'))).status).toBe(200)
    expect((await send(cancel('c2', 'o2', 'x3'))).status).toBe(200)
    // a row of 0 would read as a free order: a purchase
    expect(await rows('c2')).toEqual([
      { order_key: 'o2', amount: 25 },
      { order_key: 'o2:r2', amount: -25 },
    ])
  })

  it('takes back an order sent in the same batch', async () => {
    const batch = [orderEvent('c3', 'o3', 60, '2025-02-10T10:00:00Z'), cancel('c3', 'o3', 'x4')]
    expect((await h.call('POST', '/v1/events/batch', { body: { batch } })).status).toBe(200)
    expect((await rows('c3')).map((r) => r.amount)).toEqual([60, -60])
  })

  it('refuses a cancellation of an order the customer did not place, or without an order id', async () => {
    const before = await count(h, 'SELECT count(*) FROM orders')
    for (const [body, status, why] of [
      [
        cancel('c1', 'nope', 'x5'),
        422,
        /Order Cancelled names order nope, which customer c1 has not placed/,
      ],
      [
        cancel('c9', 'o1', 'x6'),
        422,
        /Order Cancelled names order o1, which customer c9 has not placed/,
      ],
    ] as const) {
      const res = await send(body)
      expect(res.status).toBe(status)
      expect(res.json.error.message).toMatch(why)
    }
    const bare = cancel('c1', 'o1', 'x7')
    const res = await send({ ...bare, properties: { reason: 'no id' } })
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.json.error.details)).toMatch(/properties\.order_id/)
    expect(await count(h, 'SELECT count(*) FROM orders')).toBe(before)
  })
})
