// The live profile counts purchase days as `loyals summary` and a refit do: distinct days the
// orders were placed on (their stored order_date, the local day `loyals import --tz` sends),
// whatever order the orders arrive in. It used to count a day as new unless it was the day of the
// first or the last order, and by the UTC day of the order's time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { count, type Harness, harness, orderEvent, waitJob } from './harness.ts'

/** An order event sent with the day it was placed on, as `loyals import --tz` sends it. */
const placed = (customer: string, orderId: string, at: string, day: string) => {
  const e = orderEvent(customer, orderId, 10, at)
  return { ...e, properties: { ...e.properties, order_date: day } }
}

describe.each(STORES)('live purchase days on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind, { now: Date.parse('2026-04-01T00:00:00Z') })
  })
  afterAll(async () => {
    await h.close()
  })
  const days = (id: string) =>
    count(h, 'SELECT purchase_days FROM customer_profile WHERE customer_id = $1', [id])
  const send = async (batch: unknown[]) => {
    expect((await h.call('POST', '/v1/events/batch', { body: { batch } })).status).toBe(200)
  }

  it('counts a day between the first and the last once, whatever the arrival order', async () => {
    await send([
      orderEvent('late', 'l1', 10, '2026-01-15T10:00:00Z'),
      orderEvent('late', 'l2', 10, '2026-03-13T10:00:00Z'),
      orderEvent('late', 'l3', 10, '2026-02-10T10:00:00Z'),
    ])
    // another request: the day of l3 is stored, not the first's nor the last's
    await send([orderEvent('late', 'l4', 10, '2026-02-10T11:00:00Z')])
    expect(await days('late')).toBe(3)
  })

  it('counts the local days the orders were placed on, not their UTC days', async () => {
    // New York: 2025-03-29 20:30 and 2025-03-30 19:30, two days on one UTC day
    await send([
      placed('ny', 'a1', '2025-03-30T00:30:00Z', '2025-03-29'),
      placed('ny', 'a2', '2025-03-30T23:30:00Z', '2025-03-30'),
    ])
    // and one local day on two UTC days: 2025-03-29 11:00 and 22:00
    await send([
      placed('ny2', 'b1', '2025-03-29T15:00:00Z', '2025-03-29'),
      placed('ny2', 'b2', '2025-03-30T02:00:00Z', '2025-03-29'),
    ])
    expect(await days('ny')).toBe(2)
    expect(await days('ny2')).toBe(1)
  })

  it('refuses a day the instant never had in any time zone, reading the offset', async () => {
    const post = (at: string, day: string) =>
      h.call('POST', '/v1/events', { body: placed('tz', `tz-${at}-${day}`, at, day) })
    // 23:30 at -04:00 is 03:30 UTC on 07-01: from UTC-12 to UTC+14 it is 06-30 or 07-01
    const late = '2024-06-30T23:30:00-04:00'
    for (const ok of ['2024-06-30', '2024-07-01']) expect((await post(late, ok)).status).toBe(200)
    const bad = await post(late, '2024-06-29')
    expect(bad.status).toBe(400)
    expect(bad.json.error.details).toEqual([
      {
        path: 'properties.order_date',
        reason: "must be the timestamp's day in some time zone (2024-06-30 to 2024-07-01)",
      },
    ])
    // 00:30 at +10:00 is 14:30 UTC on 06-30: 06-30 or 07-01, not 07-02
    const early = '2024-07-01T00:30:00+10:00'
    expect((await post(early, '2024-07-01')).status).toBe(200)
    expect((await post(early, '2024-07-02')).status).toBe(400)
    // noon UTC is midnight at UTC-12 and 02:00 the next day at UTC+14
    for (const [day, status] of [
      ['2024-06-29', 400],
      ['2024-06-30', 200],
      ['2024-07-01', 200],
      ['2024-07-02', 400],
    ] as const) {
      expect((await post('2024-06-30T12:00:00Z', day)).status, day).toBe(status)
    }
  })

  it('rebuilds the counters from the stored orders in a refit, at any instant', async () => {
    // a profile miscounted before (as the live count used to), updated at the refit's instant
    await h.store.use((e) =>
      e.exec({
        sql: "UPDATE customer_profile SET purchase_days = 4 WHERE customer_id = 'late'",
        params: [],
      }),
    )
    h.store.profiles.delete('late')
    const job = await h.call('POST', '/v1/jobs/refit', { role: 'analyst' })
    expect((await waitJob(h, job.json.jobId)).status).toBe('succeeded')
    expect(await days('late')).toBe(3)
    expect(await days('ny')).toBe(2)
  })

  it('a refit counts an order refunded in full as no order and no purchase day', async () => {
    await send([
      orderEvent('back', 'k1', 10, '2026-01-05T10:00:00Z'),
      orderEvent('back', 'k2', 20, '2026-02-05T10:00:00Z'),
      {
        type: 'track',
        messageId: 'm-k2-refund',
        userId: 'back',
        event: 'Order Refunded',
        timestamp: '2026-02-07T10:00:00Z',
        properties: { order_id: 'k2', total: 20 },
      },
    ])
    const job = await h.call('POST', '/v1/jobs/refit', { role: 'analyst' })
    expect((await waitJob(h, job.json.jobId)).status).toBe('succeeded')
    // as the analysis counts it (docs/summary.md): k2 was returned, one order on one day is left
    expect(await days('back')).toBe(1)
    expect(
      await count(h, 'SELECT orders_count FROM customer_profile WHERE customer_id = $1', ['back']),
    ).toBe(1)
  })

  it('a new order on the day of one refunded in full counts that day again', async () => {
    const refund = (id: string, orderId: string, total: number, at: string) => ({
      type: 'track',
      messageId: `m-${id}`,
      userId: 'redo',
      event: 'Order Refunded',
      timestamp: at,
      properties: { order_id: orderId, total },
    })
    await send([
      orderEvent('redo', 'r1', 10, '2026-01-05T10:00:00Z'),
      orderEvent('redo', 'r2', 20, '2026-01-06T10:00:00Z'),
      refund('redo-r2', 'r2', 20, '2026-01-06T12:00:00Z'),
    ])
    const job = await h.call('POST', '/v1/jobs/refit', { role: 'analyst' })
    expect((await waitJob(h, job.json.jobId)).status).toBe('succeeded')
    expect(await days('redo')).toBe(1)
    // the stored r2 was returned: its day holds no purchase, so r3 makes it one
    await send([orderEvent('redo', 'r3', 5, '2026-01-06T15:00:00Z')])
    expect(await days('redo')).toBe(2)
  })
})
