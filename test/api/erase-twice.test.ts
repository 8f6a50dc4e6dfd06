// A customer erased, back under their id, and erased again: the pseudonym's profile keeps the sum
// of both lives (orders, revenue, tier) at once, as the refit counts them afterwards, not only the
// second life's figures until the next refit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, orderEvent, VIP_OR_REGULAR, waitJob } from './harness.ts'

const NOW = Date.parse('2025-03-01T12:00:00Z')
const day = (n: number) => new Date(NOW - n * 86_400_000).toISOString()

describe.each(STORES)('a customer erased twice on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind, { now: NOW, value: VIP_OR_REGULAR })
  })
  afterAll(() => h?.close())

  const send = async (body: object) =>
    expect((await h.call('POST', '/v1/events', { body })).status).toBe(200)
  const identify = (id: string, messageId: string) =>
    send({ type: 'identify', messageId, userId: id, traits: { email: `${id}@example.com` } })
  const figures = async (id: string) => {
    const r = await h.call('GET', `/v1/customers/${id}`)
    expect(r.status).toBe(200)
    return { orders: r.json.orders, revenue: r.json.revenue, tier: r.json.tier?.name ?? null }
  }

  it('keeps both lives in the profile, without a refit', async () => {
    // ann: a VIP who comes back with an identify only; bob: back with a new order
    await identify('ann', 'ann-1')
    await send(orderEvent('ann', 'ann-o1', 300, day(20)))
    await send(orderEvent('ann', 'ann-o2', 300, day(10)))
    await send(orderEvent('bob', 'bob-o1', 120.5, day(15)))
    const ann = (await h.call('DELETE', '/v1/customers/ann')).json.pseudonym
    const bob = (await h.call('DELETE', '/v1/customers/bob')).json.pseudonym
    expect(await figures(ann)).toEqual({ orders: 2, revenue: 600, tier: 'VIP' })
    await identify('ann', 'ann-2')
    await send(orderEvent('bob', 'bob-o2', 40, day(1)))
    const again = await h.call('DELETE', '/v1/customers/ann')
    expect(again.json).toMatchObject({ pseudonym: ann, alreadyErased: false })
    expect((await h.call('DELETE', '/v1/customers/bob')).json.pseudonym).toBe(bob)
    expect(await figures(ann)).toEqual({ orders: 2, revenue: 600, tier: 'VIP' })
    expect(await figures(bob)).toEqual({ orders: 2, revenue: 160.5, tier: 'Regular' })
    const bobBefore = (await h.call('GET', `/v1/customers/${bob}`)).json
    expect(bobBefore.lastOrderAt).toBe(day(1))
    // the refit counts the same from the rows kept under the pseudonym (and adds predictions)
    const job = await h.call('POST', '/v1/jobs/refit', { role: 'analyst' })
    expect((await waitJob(h, job.json.jobId ?? job.json.id)).status).toBe('succeeded')
    expect(await figures(ann)).toMatchObject({ orders: 2, revenue: 600, tier: 'VIP' })
    expect(await figures(bob)).toMatchObject({ orders: 2, revenue: 160.5 })
  })
})
