// A messageId stored already names that message: another message under it (an identify call
// given `order:<id>`, the id POST /v1/orders gives its order; another order under a used id) was
// answered 200 "duplicate" while nothing of it was stored, so an acknowledged order was lost. It
// is now a 422 naming the id; a true retry (the same message, sent again) is still a duplicate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { count, type Harness, harness, identifyEvent, orderEvent } from './harness.ts'

const AT = '2025-03-01T10:00:00Z'

describe.each(STORES)('a messageId used again on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind)
  })
  afterAll(async () => {
    await h.close()
  })

  it('for an order is a 422 when the id holds another kind of message', async () => {
    const trap = identifyEvent('someone', 'x@example.com', 'order:trap1')
    expect((await h.call('POST', '/v1/events', { body: trap })).status).toBe(200)
    const r = await h.call('POST', '/v1/orders', {
      body: { order_id: 'trap1', customer_id: 'victim', ordered_at: AT, amount: 50 },
    })
    expect(r.status).toBe(422)
    expect(r.json.error.message).toBe(
      'event order:trap1: this messageId is stored already for another message (identify, not "Order Completed"); a messageId names one message: give this one its own',
    )
    expect(await count(h, "SELECT count(*) FROM orders WHERE order_id = 'trap1'")).toBe(0)
  })

  it('for an order is a 422 when the id holds another order, and nothing of the batch is stored', async () => {
    const first = orderEvent('c1', 'A1', 10, AT, 'msg-1')
    expect((await h.call('POST', '/v1/events', { body: first })).status).toBe(200)
    const other = orderEvent('c1', 'A2', 20, AT, 'msg-1')
    const fine = orderEvent('c2', 'B1', 5, AT, 'msg-2')
    const r = await h.call('POST', '/v1/events/batch', { body: { batch: [fine, other] } })
    expect(r.status).toBe(422)
    expect(r.json.error.message).toMatch(
      /^event msg-1: this messageId is stored already for another message, and the order A2 it carries is not stored/,
    )
    expect(await count(h, "SELECT count(*) FROM orders WHERE order_id IN ('A2', 'B1')")).toBe(0)
  })

  it('is still a duplicate when it is the same message sent again', async () => {
    const ev = orderEvent('c3', 'C1', 30, AT, 'msg-3')
    expect((await h.call('POST', '/v1/events', { body: ev })).json.status).toBe('stored')
    const again = await h.call('POST', '/v1/events', { body: { ...ev, sentAt: AT } })
    expect([again.status, again.json.status]).toEqual([200, 'duplicate'])
    // twice in one batch, stamped at two tries: one message
    const batched = await h.call('POST', '/v1/events/batch', {
      body: {
        batch: [
          { ...ev, sentAt: AT },
          { ...ev, sentAt: '2025-03-01T10:00:05Z' },
        ],
      },
    })
    expect([batched.status, batched.json.duplicates]).toEqual([200, 2])
    const direct = { order_id: 'D1', customer_id: 'c4', ordered_at: AT, amount: 7 }
    expect((await h.call('POST', '/v1/orders', { body: direct })).json.status).toBe('stored')
    const twice = await h.call('POST', '/v1/orders', { body: direct })
    expect([twice.status, twice.json.status]).toEqual([200, 'duplicate'])
    const id = identifyEvent('c4', 'c4@example.com', 'msg-4')
    expect((await h.call('POST', '/v1/events', { body: id })).json.status).toBe('stored')
    expect((await h.call('POST', '/v1/events', { body: id })).json.status).toBe('duplicate')
    expect(await count(h, "SELECT count(*) FROM orders WHERE order_id IN ('C1', 'D1')")).toBe(2)
  })

  it('sent again after an earlier version stored it under a name it did not read, says so', async () => {
    // as an earlier version stored "order completed" and "email opened": events of no meaning
    for (const [id, name] of [
      ['old-1', 'order completed'],
      ['old-2', 'email opened'],
    ]) {
      await h.engine.exec(`INSERT INTO events (event_id, kind, name, customer_id, occurred_at, received_at, payload)
        VALUES ('${id}', 'track', '${name}', 'c5', TIMESTAMP '2025-03-01 10:00:00', TIMESTAMP '2025-03-01 10:00:00', '{}')`)
    }
    // the order it carries was never stored: answered "duplicate", it never would be
    const ev = { ...orderEvent('c5', 'E1', 9, AT, 'old-1'), event: 'order completed' }
    const r = await h.call('POST', '/v1/events', { body: ev })
    expect(r.status).toBe(422)
    expect(r.json.error.message).toBe(
      'event old-1: this messageId is stored already as "order completed", which an earlier version did not read as "Order Completed": the order E1 it carries is not stored; send it again under a new messageId',
    )
    // an event that stores nothing of its own is the same message: a duplicate
    const open = {
      type: 'track',
      messageId: 'old-2',
      userId: 'c5',
      event: 'email opened',
      timestamp: AT,
    }
    const o = await h.call('POST', '/v1/events', { body: open })
    expect([o.status, o.json.status]).toEqual([200, 'duplicate'])
  })
})
