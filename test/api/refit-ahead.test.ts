// Events dated a little after the server's clock (the API takes up to a day ahead: time zones
// ahead of UTC) count in the live profile at once, and a refit counts them too: it left them out,
// so a refund dated two minutes ahead was undone by the refit (revenue 1200 -> 3700) and came back
// with the next one after its time. A refit as of a time given (`loyals refit --now`) counts only
// what had happened by then (test/cli).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, orderEvent } from './harness.ts'

const NOW = Date.parse('2025-03-01T12:43:00Z')
const iso = (ms: number) => new Date(ms).toISOString()

describe.each(STORES)('a refit and events dated ahead of the clock on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind, { now: NOW })
  })
  afterAll(() => h?.close())

  const refit = async () => {
    const { id } = await h.jobs.startRefit()
    await h.jobs.idle()
    expect((await h.jobs.get(id)).status).toBe('succeeded')
  }
  const profile = async (id: string) => (await h.call('GET', `/v1/customers/${id}`)).json

  it('keeps a refund and an order dated minutes ahead, in the refit as in the live profile', async () => {
    for (const [id, total] of [
      ['n1-o1', 1200],
      ['n1-o2', 2500],
    ] as const) {
      const e = orderEvent('n1', id, total, iso(NOW - 3_600_000))
      expect((await h.call('POST', '/v1/events', { body: e })).status).toBe(200)
    }
    const refund = {
      type: 'track',
      messageId: 'm-n1-r',
      userId: 'n1',
      event: 'Order Refunded',
      timestamp: iso(NOW + 120_000),
      properties: { order_id: 'n1-o2', total: 2500 },
    }
    expect((await h.call('POST', '/v1/events', { body: refund })).status).toBe(200)
    // an existing customer's order dated 20 minutes ahead
    const ahead = orderEvent('n2', 'n2-o1', 80, iso(NOW - 3_600_000))
    expect((await h.call('POST', '/v1/events', { body: ahead })).status).toBe(200)
    const later = orderEvent('n2', 'n2-o2', 40, iso(NOW + 1_200_000))
    expect((await h.call('POST', '/v1/events', { body: later })).status).toBe(200)
    const live = [await profile('n1'), await profile('n2')]
    // the full refund lowers revenue at once; the order stops counting at the refit (docs/api.md)
    expect(live.map((p) => [p.orders, p.revenue])).toEqual([
      [2, 1200],
      [2, 120],
    ])
    await refit()
    const refitted = [await profile('n1'), await profile('n2')]
    expect(refitted.map((p) => [p.orders, p.revenue])).toEqual([
      [1, 1200],
      [2, 120],
    ])
    // and once their time has come, the same
    h.clock.now = NOW + 3_600_000
    await refit()
    expect([(await profile('n1')).revenue, (await profile('n2')).revenue]).toEqual([1200, 120])
  })
})
