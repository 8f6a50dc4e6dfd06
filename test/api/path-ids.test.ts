// Ids in paths, in a queue to rank and in queries are trimmed, as every id the API takes is, and
// an id of nothing but spaces is a 400 naming it: " C1" was found but echoed untrimmed, "  " got
// a 200 (a service level, a place in the queue, an empty list) and GET /v1/customers/%20 a 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, orderEvent } from './harness.ts'

const duckdb = STORES.filter((s) => s.name === 'duckdb')

describe.each(duckdb)('customer ids in paths on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind)
    const r = await h.call('POST', '/v1/events', {
      body: orderEvent('c1', 'o1', 50, '2025-02-01T10:00:00Z'),
    })
    expect(r.status).toBe(200)
  })
  afterAll(async () => {
    await h.close()
  })

  const blank = (r: { status: number; json: unknown }, path: string) => {
    expect(r.status).toBe(400)
    const details = (r.json as { error: { details: { path: string; reason: string }[] } }).error
      .details
    expect(details).toEqual([{ path, reason: 'must not be empty (or only spaces)' }])
  }

  it('an id of spaces is a 400 on every path that takes a customer id', async () => {
    blank(await h.call('GET', '/v1/service/level/%20%20'), 'customerId')
    blank(await h.call('GET', '/v1/customers/%20'), 'id')
    blank(await h.call('DELETE', '/v1/customers/%20', { role: 'admin' }), 'id')
    const rank = await h.call('POST', '/v1/service/rank', {
      body: { queue: [{ customerId: '  ', waitingSince: '2025-03-01T11:00:00Z' }] },
    })
    expect(rank.status).toBe(400)
    expect(rank.text).toContain('must not be empty (or only spaces)')
    // every other id in a path, and a customer or name in a query, too (they were 404s naming
    // " ", or a 200 with an empty list)
    blank(await h.call('GET', '/v1/jobs/%20'), 'id')
    blank(await h.call('GET', '/v1/playbooks/%20/effect'), 'id')
    blank(await h.call('DELETE', '/v1/keys/%20'), 'id')
    for (const q of ['actions?customer=%20', 'tasks?customer=%20%20', 'actions?playbook=%20']) {
      const r = await h.call('GET', `/v1/${q}`)
      expect(r.status, q).toBe(400)
      expect(r.text, q).toContain('must not be empty (or only spaces)')
    }
  })

  it('an id whose %-escapes are no UTF-8 is a 400, not a 404 naming the escapes', async () => {
    for (const path of ['/v1/customers/%E0%A4', '/v1/service/level/c%FF1', '/v1/jobs/%C3']) {
      const r = await h.call('GET', path)
      expect(r.status, path).toBe(400)
      expect(r.json, path).toMatchObject({ error: { code: 'invalid_request' } })
      expect(r.text, path).toContain('is no valid %-encoding of UTF-8 text')
    }
    // an escape of UTF-8 text is the id it spells
    const ok = await h.call('GET', '/v1/customers/%63%31')
    expect(ok.status).toBe(200)
  })

  it('an id with spaces around it is the customer, and is answered trimmed', async () => {
    const level = await h.call('GET', '/v1/service/level/%20c1%20')
    expect(level.status).toBe(200)
    expect(level.json).toMatchObject({ customerId: 'c1', known: true })
    const profile = await h.call('GET', '/v1/customers/%20c1')
    expect(profile.status).toBe(200)
    expect((profile.json as { customerId: string }).customerId).toBe('c1')
    const rank = await h.call('POST', '/v1/service/rank', {
      body: { queue: [{ customerId: ' c1 ', waitingSince: '2025-03-01T11:00:00Z' }] },
    })
    expect(rank.status).toBe(200)
    expect((rank.json as { queue: { customerId: string }[] }).queue[0]?.customerId).toBe('c1')
  })

  it('a queue to rank takes a whole-number customer id, as the events do, and no unsafe one', async () => {
    const order = orderEvent('c7', 'o7', 10, '2025-02-02T10:00:00Z')
    expect((await h.call('POST', '/v1/events', { body: { ...order, userId: 77 } })).status).toBe(
      200,
    )
    const at = '2025-03-01T11:00:00Z'
    const rank = await h.call('POST', '/v1/service/rank', {
      body: { queue: [{ customerId: 77, waitingSince: at }] },
    })
    expect(rank.status).toBe(200)
    const [entry] = (rank.json as { queue: { customerId: string; tier: string | null }[] }).queue
    const level = await h.call('GET', '/v1/service/level/77')
    expect(level.json).toMatchObject({ customerId: '77', known: true })
    expect(entry).toMatchObject({ customerId: '77', tier: (level.json as { tier: string }).tier })
    const unsafe = await h.call('POST', '/v1/service/rank', {
      body: { queue: [{ customerId: 2 ** 53, waitingSince: at }] },
    })
    expect(unsafe.status).toBe(400)
    expect(unsafe.text).toContain('queue[0].customerId')
    expect(unsafe.text).toContain('send ids as strings')
  })

  it('ids are trimmed of spaces, not of tabs, as an import trims them; .00 is a whole number', async () => {
    // an import keeps "\tc2\t" apart from c2: the API went to c2 and could not reach it
    for (const [id, order] of [
      ['\tc2\t', 'o2'],
      ['c2', 'o3'],
      ['12.00', 'o4'],
    ] as const) {
      const r = await h.call('POST', '/v1/events', {
        body: orderEvent(id, order, 10, '2025-02-02T10:00:00Z'),
      })
      expect(r.status).toBe(200)
    }
    const tabbed = await h.call('GET', '/v1/customers/%09c2%09')
    expect(tabbed.json).toMatchObject({ customerId: '\tc2\t', orders: 1 })
    const plain = await h.call('GET', '/v1/customers/%20c2%C2%A0')
    expect(plain.json).toMatchObject({ customerId: 'c2', orders: 1 })
    expect((await h.call('GET', '/v1/customers/12')).json).toMatchObject({ customerId: '12' })
  })
})
