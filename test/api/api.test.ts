// The API against both stores: validation, idempotent ingestion, profiles after a refit, paging,
// audiences, service ranking, playbooks with a real webhook receiver, tasks and goals, erasure.
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { count, type Harness, harness, identifyEvent, orderEvent, waitJob } from './harness.ts'

const DAY = 86_400_000
const iso = (ms: number) => new Date(ms).toISOString()
const sha = (s: string) => createHash('sha256').update(s).digest('hex')

describe.each(STORES)('API on $name', (kind) => {
  describe('validation and idempotency', () => {
    let h: Harness
    beforeAll(async () => {
      h = await harness(kind)
    })
    afterAll(async () => {
      await h.close()
    })

    it.each([
      ['invalid JSON', '/v1/events', '{"type":', ''],
      [
        'no messageId',
        '/v1/events',
        JSON.stringify({ type: 'track', userId: 'c', event: 'X' }),
        'messageId',
      ],
      [
        'an order without a total',
        '/v1/events',
        JSON.stringify({
          ...orderEvent('c', 'o', 1, '2025-01-01T00:00:00Z'),
          properties: { order_id: 'o' },
        }),
        'properties.total',
      ],
      [
        'a bad timestamp',
        '/v1/events',
        JSON.stringify({
          ...orderEvent('c', 'o', 1, '2025-01-01T00:00:00Z'),
          timestamp: 'yesterday',
        }),
        'timestamp',
      ],
      [
        'an NPS of 11',
        '/v1/events',
        JSON.stringify({
          type: 'track',
          messageId: 'n',
          userId: 'c',
          event: 'Survey Responded',
          properties: { nps: 11 },
        }),
        'properties.nps',
      ],
      [
        'an unknown type',
        '/v1/events',
        JSON.stringify({ type: 'page', messageId: 'p', userId: 'c' }),
        'type',
      ],
      ['an empty batch', '/v1/events/batch', JSON.stringify({ batch: [] }), 'batch'],
      [
        'a batch over 1000',
        '/v1/events/batch',
        JSON.stringify({
          batch: Array.from({ length: 1001 }, (_, i) =>
            orderEvent('c', `o${i}`, 1, '2025-01-01T00:00:00Z'),
          ),
        }),
        'batch',
      ],
      [
        'a negative order amount',
        '/v1/orders',
        JSON.stringify({
          order_id: 'x',
          customer_id: 'c',
          ordered_at: '2025-01-01T00:00:00Z',
          amount: -1,
        }),
        'amount',
      ],
      [
        'an amount no store can sum (1e300)',
        '/v1/orders',
        JSON.stringify({
          order_id: 'x',
          customer_id: 'c',
          ordered_at: '2025-01-01T00:00:00Z',
          amount: 1e300,
        }),
        'amount',
      ],
      [
        'an order dated 9999-12-31',
        '/v1/orders',
        JSON.stringify({
          order_id: 'x',
          customer_id: 'c',
          ordered_at: '9999-12-31T23:59:59Z',
          amount: 5,
        }),
        'ordered_at',
      ],
      [
        'a NUL character in a name (PostgreSQL cannot store it)',
        '/v1/events/batch',
        JSON.stringify({
          batch: [
            orderEvent('c', 'o1', 1, '2025-01-01T00:00:00Z'),
            { type: 'identify', messageId: 'i', userId: 'c', traits: { name: 'Nu\u0000ll' } },
          ],
        }),
        'batch[1].traits.name',
      ],
      [
        'half a surrogate pair in a name (valid JSON, no character: DuckDB refused it with a 500)',
        '/v1/events',
        '{"type":"identify","messageId":"s","userId":"c","traits":{"name":"x\\ud800y"}}',
        'traits.name',
      ],
      [
        'a customer id that is not UTF-8 (its bytes were read as U+FFFD: c\\xff and c\\xfe merged)',
        '/v1/orders',
        Buffer.from(
          '{"order_id":"oX2","customer_id":"c\xff\xfe","ordered_at":"2025-01-01T00:00:00Z","amount":5}',
          'latin1',
        ),
        '',
      ],
      [
        'a refund of 0 (it counted as an order)',
        '/v1/events',
        JSON.stringify({
          type: 'track',
          messageId: 'z',
          userId: 'c',
          event: 'Order Refunded',
          properties: { order_id: 'o', total: 0 },
        }),
        'properties.total',
      ],
      [
        'a rank entry without waitingSince',
        '/v1/service/rank',
        JSON.stringify({ queue: [{ customerId: 'c' }] }),
        'queue[0].waitingSince',
      ],
      ['a task completion without outcome', '/v1/tasks/t/complete', JSON.stringify({}), 'outcome'],
      [
        'a customer id of nothing but spaces (it was stored as the empty id)',
        '/v1/orders',
        JSON.stringify({
          order_id: 'ws',
          customer_id: '  ',
          ordered_at: '2025-01-01T00:00:00Z',
          amount: 5,
        }),
        'customer_id',
      ],
      [
        'an order id of nothing but spaces',
        '/v1/orders',
        JSON.stringify({
          order_id: ' ',
          customer_id: 'c',
          ordered_at: '2025-01-01T00:00:00Z',
          amount: 5,
        }),
        'order_id',
      ],
      [
        'a userId of nothing but spaces',
        '/v1/events',
        JSON.stringify({ type: 'identify', messageId: 'w', userId: '   ', traits: {} }),
        'userId',
      ],
      [
        'an order line of 10^13 (price × quantity)',
        '/v1/events',
        JSON.stringify({
          ...orderEvent('c', 'o9', 50, '2025-01-01T00:00:00Z'),
          properties: {
            order_id: 'o9',
            total: 50,
            products: [{ product_id: 'p', price: 5, quantity: 1e13 }],
          },
        }),
        'properties.products[0].quantity',
      ],
      [
        'an order line of a negative quantity',
        '/v1/orders',
        JSON.stringify({
          order_id: 'o8',
          customer_id: 'c',
          ordered_at: '2025-01-01T00:00:00Z',
          amount: 5,
          products: [{ product_id: 'p', price: 5, quantity: -4 }],
        }),
        'products[0].quantity',
      ],
      [
        'a misspelt field of a direct order (it was dropped silently)',
        '/v1/orders',
        JSON.stringify({
          order_id: 'o7',
          customer_id: 'c',
          ordered_at: '2025-01-01T00:00:00Z',
          amount: 5,
          ammount: 99,
        }),
        'ammount',
      ],
      [
        'a misspelt field of a direct customer',
        '/v1/customers',
        JSON.stringify({ customer_id: 'c', emial: 'c@x.com' }),
        'emial',
      ],
      [
        'a rank time before 1900',
        '/v1/service/rank',
        JSON.stringify({ now: '1800-01-01T00:00:00Z', queue: [] }),
        'now',
      ],
      [
        'a tick time after 2199',
        '/v1/jobs/tick',
        JSON.stringify({ now: '9999-12-01T00:00:00Z' }),
        'now',
      ],
    ])('400 for %s', async (_name, path, raw, field) => {
      const res = await h.call('POST', path, { raw })
      expect(res.status).toBe(400)
      expect(res.json.error.code).toBe('invalid_request')
      expect(res.json.error.details.length).toBeGreaterThan(0)
      if (field)
        expect(res.json.error.details.map((d: { path: string }) => d.path)).toContain(field)
      expect(await count(h, 'SELECT count(*) AS n FROM events')).toBe(0)
    })

    it.each([
      ['/v1/customers?limit=0', 'limit'],
      ['/v1/customers?limit=abc', 'limit'],
      ['/v1/customers?cursor=%25%25', 'cursor'],
      ['/v1/customers?color=red', ''],
      ['/v1/customers?limit=2&limit=3', 'limit'],
      ['/v1/actions?status=lost', 'status'],
      // routes that take no query at all refuse one too (a typo'd filter must not read as "all")
      ['/v1/customers/c1?fields=tier', 'fields'],
      ['/v1/service/level/c1?tier=Gold', 'tier'],
      ['/v1/keys?all=1', 'all'],
      ['/v1/goals?status=open', 'status'],
      ['/v1/audiences/Gold.csv?limit=5', 'limit'],
    ])('400 for GET %s', async (path, field) => {
      const res = await h.call('GET', path)
      expect(res.status).toBe(400)
      expect(res.json.error.code).toBe('invalid_request')
      if (field)
        expect(res.json.error.details.map((d: { path: string }) => d.path)).toContain(field)
    })

    it('405 with Allow for a known path and another method; 413 for a body over the limit; 400 for deep nesting', async () => {
      const wrong = await h.call('PUT', '/v1/events')
      expect(wrong.status).toBe(405)
      expect(wrong.json.error).toMatchObject({
        code: 'method_not_allowed',
        details: { allow: ['POST'] },
      })
      const big = await h.call('POST', '/v1/events', {
        raw: `{"pad":"${'x'.repeat(8 * 1024 * 1024)}"}`,
      })
      expect(big.status).toBe(413)
      expect(big.json.error.code).toBe('payload_too_large')
      const deep = await h.call('POST', '/v1/events', {
        raw: `${'['.repeat(5000)}${']'.repeat(5000)}`,
      })
      expect(deep.status).toBe(400)
      expect(deep.json.error.details[0].reason).toMatch(/levels of nesting/)
      expect(await count(h, 'SELECT count(*) AS n FROM events')).toBe(0)
      // wide is not deep: one array of 200,000 values (600 KB) is an event like any other
      const wide = await h.call('POST', '/v1/events', {
        body: {
          type: 'track',
          messageId: 'wide-1',
          userId: 'wide',
          event: 'Products Viewed',
          properties: { viewed: new Array(200_000).fill(0) },
        },
      })
      expect(wide.status).toBe(200)
      expect(await count(h, "SELECT count(*) AS n FROM events WHERE event_id = 'wide-1'")).toBe(1)
      // the later tests of this store count its events from none
      await h.engine.exec("DELETE FROM events WHERE event_id = 'wide-1'")
    })

    it.each([
      ['POST', '/health', 'GET, HEAD'],
      ['POST', '/openapi.json', 'GET, HEAD'],
      // not the jobs "tick" and "refit" of GET /v1/jobs/:id (that was a 404 "no job")
      ['GET', '/v1/jobs/tick', 'POST'],
      ['GET', '/v1/jobs/refit', 'POST'],
      ['DELETE', '/v1/customers', 'POST, GET, HEAD'],
      ['PUT', '/v1/customers/c1', 'GET, HEAD, DELETE'],
    ])('405 for %s %s with Allow: %s', async (method, path, allow) => {
      const res = await h.app.request(path, { method })
      expect(res.status).toBe(405)
      expect(res.headers.get('allow')).toBe(allow)
      expect(((await res.json()) as { error: unknown }).error).toMatchObject({
        code: 'method_not_allowed',
        details: { allow: allow.split(', ') },
      })
    })

    it('tells caches to keep no answer: profiles are personal data, the rest changes with events', async () => {
      const auth = { authorization: `Bearer ${h.keys.admin}` }
      for (const [path, status] of [
        ['/v1/customers/c1', null],
        ['/v1/customers/nobody-at-all', 404],
        ['/health', 200],
      ] as const) {
        const res = await h.app.request(path, { headers: auth })
        if (status !== null) expect(res.status, path).toBe(status)
        expect(res.headers.get('cache-control'), path).toBe('no-store')
      }
      const unauthorized = await h.app.request('/v1/customers/c1')
      expect(unauthorized.status).toBe(401)
      expect(unauthorized.headers.get('cache-control')).toBe('no-store')
    })

    it('answers HEAD where GET is answered, and only there', async () => {
      expect((await h.app.request('/health', { method: 'HEAD' })).status).toBe(200)
      expect((await h.app.request('/v1/events', { method: 'HEAD' })).status).toBe(405)
    })

    it('404 with the error shape for an unknown customer, task, job and route', async () => {
      for (const [m, p] of [
        ['GET', '/v1/customers/nobody'],
        ['POST', '/v1/tasks/none/claim'],
        ['GET', '/v1/jobs/none'],
        ['GET', '/v1/nothing'],
        ['GET', '/v1/audiences/NoSuchTier.csv'],
      ] as const) {
        const res = await h.call(m, p, m === 'POST' ? { body: {} } : {})
        expect(res.status, p).toBe(404)
        expect(res.json.error.code).toBe('not_found')
      }
    })

    it('stores a retried event once, and a re-sent order once', async () => {
      const e = orderEvent('c1', 'o1', 40, '2025-02-01T10:00:00Z', 'msg-1')
      const a = await h.call('POST', '/v1/events', { body: e })
      const b = await h.call('POST', '/v1/events', { body: e })
      expect(a.json).toEqual({ eventId: 'msg-1', status: 'stored' })
      expect(b.json).toEqual({ eventId: 'msg-1', status: 'duplicate' })
      // same order under another messageId (a client that regenerates ids)
      const c = await h.call('POST', '/v1/events', { body: { ...e, messageId: 'msg-2' } })
      expect(c.json.status).toBe('stored')
      // a batch with a duplicate inside it and one already stored
      const batch = [
        orderEvent('c1', 'o2', 10, '2025-02-03T10:00:00Z', 'msg-3'),
        orderEvent('c1', 'o2', 10, '2025-02-03T10:00:00Z', 'msg-3'),
        e,
      ]
      const d = await h.call('POST', '/v1/events/batch', { body: { batch } })
      expect(d.json.results.map((r: { status: string }) => r.status)).toEqual([
        'stored',
        'duplicate',
        'duplicate',
      ])
      expect(await count(h, "SELECT count(*) AS n FROM events WHERE kind <> 'marker'")).toBe(3)
      expect(await count(h, "SELECT count(*) AS n FROM orders WHERE customer_id = 'c1'")).toBe(2)
      expect(await count(h, 'SELECT count(*) AS n FROM order_lines')).toBe(2)
      const p = await h.call('GET', '/v1/customers/c1')
      expect(p.json).toMatchObject({
        orders: 2,
        revenue: 50,
        firstOrderAt: '2025-02-01T10:00:00.000Z',
      })
      // direct orders are idempotent by order_id
      const o = {
        order_id: 'd1',
        customer_id: 'c2',
        ordered_at: '2025-02-04T00:00:00Z',
        amount: 12.5,
      }
      expect((await h.call('POST', '/v1/orders', { body: o })).json.status).toBe('stored')
      expect((await h.call('POST', '/v1/orders', { body: o })).json.status).toBe('duplicate')
      expect((await h.call('GET', '/v1/customers/c2')).json.revenue).toBe(12.5)
      // a direct order's discount is stored as the event's is
      const withDiscount = { ...o, order_id: 'd2', discount: 3 }
      expect((await h.call('POST', '/v1/orders', { body: withDiscount })).json.status).toBe(
        'stored',
      )
      expect(await count(h, "SELECT discount AS n FROM orders WHERE order_id = 'd2'")).toBe(3)
    })

    it('an email id is one customer in any case, found as typed', async () => {
      const o = (order_id: string, customer_id: string, day: string) => ({
        order_id,
        customer_id,
        ordered_at: `2025-02-0${day}T00:00:00Z`,
        amount: 10,
      })
      for (const [id, who, day] of [
        ['e1', 'Ann@X.com', '1'],
        ['e2', 'ann@x.com', '2'],
        ['e3', ' ANN@X.COM ', '3'],
      ] as const) {
        expect((await h.call('POST', '/v1/orders', { body: o(id, who, day) })).json.status).toBe(
          'stored',
        )
      }
      for (const typed of ['ann@x.com', 'Ann@X.com']) {
        const p = await h.call('GET', `/v1/customers/${encodeURIComponent(typed)}`)
        expect(p.status).toBe(200)
        expect(p.json).toMatchObject({ customerId: 'ann@x.com', orders: 3, revenue: 30 })
        // the service level names them as stored too; a ranked queue keeps the ids as sent
        const level = await h.call('GET', `/v1/service/level/${encodeURIComponent(typed)}`)
        expect(level.json).toMatchObject({ customerId: 'ann@x.com', known: true })
        const rank = await h.call('POST', '/v1/service/rank', {
          body: { queue: [{ customerId: typed, waitingSince: '2025-02-03T00:00:00Z' }] },
        })
        expect(rank.json.queue.map((q: { customerId: string }) => q.customerId)).toEqual([typed])
      }
    })

    it('an id with an @ that is no email address keeps its case: Store@1 and store@1 are two', async () => {
      const batch = [
        orderEvent('Store@1', 'at1', 10, '2025-02-01T00:00:00Z'),
        orderEvent('store@1', 'at2', 20, '2025-02-02T00:00:00Z'),
        orderEvent('@SUM(A1)', 'at3', 30, '2025-02-03T00:00:00Z'),
        orderEvent('Bea@Example.ORG', 'at4', 40, '2025-02-04T00:00:00Z'),
      ]
      expect((await h.call('POST', '/v1/events/batch', { body: { batch } })).json.stored).toBe(4)
      for (const [id, revenue] of [
        ['Store@1', 10],
        ['store@1', 20],
        ['@SUM(A1)', 30],
        ['bea@example.org', 40],
      ] as const) {
        const p = await h.call('GET', `/v1/customers/${encodeURIComponent(id)}`)
        expect(p.json).toMatchObject({ customerId: id, orders: 1, revenue })
      }
    })

    it('applies refunds, reviews, referrals and surveys to the profile', async () => {
      const ev = (name: string, properties: Record<string, unknown>, id: string) => ({
        type: 'track',
        messageId: id,
        userId: 'c1',
        event: name,
        timestamp: '2025-02-05T00:00:00Z',
        properties,
      })
      const batch = [
        ev('Order Refunded', { order_id: 'o1', total: 15 }, 'r1'),
        ev('Product Reviewed', { product_id: 'p1', rating: 5 }, 'v1'),
        ev('Referral Completed', { referred_user_id: 'c9' }, 'f1'),
        ev('Survey Responded', { nps: 9, ces: 2 }, 's1'),
      ]
      expect((await h.call('POST', '/v1/events/batch', { body: { batch } })).json.stored).toBe(4)
      const p = (await h.call('GET', '/v1/customers/c1')).json
      expect(p.revenue).toBe(35)
      expect(p.orders).toBe(2)
      expect(p.engagement).toEqual({ referrals: 1, reviews: 1, nps: 9, ces: 2 })
    })

    it('keeps the newest NPS and CES when an older answer arrives later', async () => {
      const survey = (id: string, at: string, properties: Record<string, unknown>) => ({
        type: 'track',
        messageId: id,
        userId: 'c1',
        event: 'Survey Responded',
        timestamp: at,
        properties,
      })
      const engagement = async () => (await h.call('GET', '/v1/customers/c1')).json.engagement
      // s1 (9 / 2) was answered on 2025-02-05; an answer of 2025-01-20 arrives after it
      await h.call('POST', '/v1/events', {
        body: survey('s-old', '2025-01-20T00:00:00Z', { nps: 3, ces: 6 }),
      })
      expect(await engagement()).toMatchObject({ nps: 9, ces: 2 })
      // in one batch, the newer of two answers wins whatever their order in it; an answer with
      // only a CES leaves the NPS alone
      const batch = [
        survey('s-new', '2025-02-20T00:00:00Z', { nps: 7 }),
        survey('s-mid', '2025-02-10T00:00:00Z', { nps: 4, ces: 5 }),
      ]
      await h.call('POST', '/v1/events/batch', { body: { batch } })
      expect(await engagement()).toMatchObject({ nps: 7, ces: 5 })
    })

    it('refuses a refund of an order the customer did not place, or of more than is left of it', async () => {
      const refund = (order: string, total: number, id: string, user = 'c1') => ({
        type: 'track',
        messageId: id,
        userId: user,
        event: 'Order Refunded',
        timestamp: '2025-02-10T00:00:00Z',
        properties: { order_id: order, total },
      })
      const before = (await h.call('GET', '/v1/customers/c1')).json.revenue
      // o1 was refunded 15 above; what is left of it is refunded once more under a new id
      for (const [body, why] of [
        [refund('o1', 5000, 'rf-big'), /more than the \d+(\.\d+)? left of order o1/],
        [
          refund('no-such-order', 70, 'rf-none'),
          /order no-such-order, which customer c1 has not placed/,
        ],
        [refund('o1', 5, 'rf-other', 'c2'), /which customer c2 has not placed/],
        // an order id of c1's sent for c2 is no retry: it was "stored" and ignored
        [
          orderEvent('c2', 'o1', 40, '2025-02-11T00:00:00Z', 'rf-clash'),
          /order o1 belongs to customer c1, not c2/,
        ],
      ] as const) {
        const res = await h.call('POST', '/v1/events', { body })
        expect(res.status).toBe(422)
        expect(res.json.error.message).toMatch(why)
      }
      expect((await h.call('GET', '/v1/customers/c1')).json.revenue).toBe(before)
      expect(await count(h, "SELECT count(*) AS n FROM events WHERE event_id LIKE 'rf-%'")).toBe(0)
      // one new order id for two customers in one batch: refused whole
      const both = await h.call('POST', '/v1/events/batch', {
        body: {
          batch: [
            orderEvent('c1', 'twice', 5, '2025-02-12T00:00:00Z', 'tw-1'),
            orderEvent('c2', 'twice', 5, '2025-02-12T00:00:00Z', 'tw-2'),
          ],
        },
      })
      expect(both.status).toBe(422)
      expect(both.json.error.message).toMatch(/order twice belongs to customer c1, not c2/)
      expect(await count(h, "SELECT count(*) AS n FROM orders WHERE order_id = 'twice'")).toBe(0)
    })

    it('applies a refund that names its id once, whatever messageId carries it', async () => {
      await h.call('POST', '/v1/events', {
        body: orderEvent('c3', 'o-rid', 80, '2025-02-13T00:00:00Z', 'o-rid-1'),
      })
      const refund = (id: string, total: number) => ({
        type: 'track',
        messageId: id,
        userId: 'c3',
        event: 'Order Refunded',
        timestamp: '2025-02-14T00:00:00Z',
        properties: { order_id: 'o-rid', total, refund_id: 'r1' },
      })
      const first = await h.call('POST', '/v1/events', { body: refund('rid-a', 30) })
      expect(first.status).toBe(200)
      // the same refund again under a new messageId: stored once
      const again = await h.call('POST', '/v1/events/batch', {
        body: { batch: [refund('rid-b', 30), refund('rid-c', 30)] },
      })
      expect(again.status).toBe(200)
      expect((await h.call('GET', '/v1/customers/c3')).json.revenue).toBe(50)
      expect(await count(h, "SELECT count(*) AS n FROM orders WHERE order_key = 'o-rid:r1'")).toBe(
        1,
      )
      // another amount under a stored refund id is refused, not silently dropped
      const other = await h.call('POST', '/v1/events', { body: refund('rid-d', 10) })
      expect(other.status).toBe(422)
      expect(other.json.error.message).toMatch(/refund o-rid:r1 is stored as a refund of 30/)
      expect((await h.call('GET', '/v1/customers/c3')).json.revenue).toBe(50)
      // order "o-rid:r1"'s refund "x" and order "o-rid"'s refund "r1:x" share the key
      // "o-rid:r1:x": the second is another refund, refused rather than dropped as a duplicate
      await h.call('POST', '/v1/events', {
        body: orderEvent('c3', 'o-rid:r1', 40, '2025-02-13T00:00:00Z', 'o-rid-2'),
      })
      const colon = (id: string, orderId: string, refundId: string) => ({
        ...refund(id, 5),
        properties: { order_id: orderId, total: 5, refund_id: refundId },
      })
      expect(
        (await h.call('POST', '/v1/events', { body: colon('col-1', 'o-rid:r1', 'x') })).status,
      ).toBe(200)
      const clash = await h.call('POST', '/v1/events', { body: colon('col-2', 'o-rid', 'r1:x') })
      expect(clash.status).toBe(422)
      expect(clash.json.error.message).toMatch(
        /refund o-rid:r1:x is stored already as a refund of order o-rid:r1, not of order o-rid;/,
      )
      expect((await h.call('GET', '/v1/customers/c3')).json.revenue).toBe(85)
    })
  })

  describe('profiles, refit, paging, audiences, service', () => {
    let h: Harness
    const now = Date.parse('2025-03-01T12:00:00Z')
    beforeAll(async () => {
      h = await harness(kind, { now })
      // 60 customers: customer k orders k % 7 + 1 times, bigger k spend more
      const batch: unknown[] = []
      for (let k = 0; k < 60; k++) {
        const id = `cust-${String(k).padStart(2, '0')}`
        batch.push({
          type: 'identify',
          messageId: `id-${k}`,
          userId: id,
          traits: { email: ` User${k}@Example.com `, name: `User ${k}` },
        })
        const n = (k % 7) + 1
        for (let j = 0; j < n; j++) {
          batch.push(
            orderEvent(id, `${id}-o${j}`, 10 + k * 5, iso(now - (200 - j * 25 - (k % 5)) * DAY)),
          )
        }
      }
      const res = await h.call('POST', '/v1/events/batch', { body: { batch } })
      expect(res.status).toBe(200)
    })
    afterAll(async () => {
      await h.close()
    })

    let best = ''
    let worst = ''
    it('a refit job reports progress and scores every profile', async () => {
      // ten requests at once start one refit: the others are told its id
      const starts = await Promise.all(
        Array.from({ length: 10 }, () => h.call('POST', '/v1/jobs/refit', { role: 'analyst' })),
      )
      expect(new Set(starts.map((s) => s.json.jobId)).size).toBe(1)
      expect(starts.filter((s) => s.json.started === true)).toHaveLength(1)
      const start = starts[0]!
      expect(start.status).toBe(202)
      const job = await waitJob(h, start.json.jobId)
      expect(job).toMatchObject({ status: 'succeeded', progress: 1, kind: 'refit' })
      expect(job.result.customers).toBe(60)
      // everybody buys every 25 days until they stop (after 1 to 7 orders): BG/NBD's a and b run
      // off together, a dropout probability shared by all (not the no-dropout NBD: its
      // log-likelihood is ~43 lower here)
      expect(job.result.model).toBe('bgnbd')
      expect(job.result.note).toMatch(
        /drops out with the same probability 0\.2\d+ after each purchase/,
      )
      const all = (await h.call('GET', '/v1/customers?limit=1000')).json.customers
      expect(all).toHaveLength(60)
      for (const p of all) {
        expect(p.prediction.pAlive).toBeGreaterThan(0)
        expect(p.prediction.pAlive).toBeLessThanOrEqual(1)
        // each to the cent: the total is the sum of its parts within rounding
        expect(Math.abs(p.value.total - (p.value.history + p.value.predicted))).toBeLessThan(0.0101)
        expect(Math.abs(p.value.history - p.revenue)).toBeLessThan(0.0051)
        const amounts = p.reasons.flatMap((r: { amount?: number }) => r.amount ?? [])
        for (const v of [p.value.total, p.value.history, p.value.predicted, ...amounts]) {
          expect(Math.round(v * 100) / 100).toBe(v)
        }
        expect(typeof p.segment).toBe('string')
        expect(p.reasons.length).toBeGreaterThan(0)
        // the live value is revenue: its reasons say spent, never profit
        for (const r of p.reasons) expect(r.text).not.toMatch(/profit/)
      }
      const codes = all.flatMap((p: { reasons: { code: string }[] }) =>
        p.reasons.map((r) => r.code),
      )
      expect(codes).toContain('predicted_revenue')
      expect(codes).not.toContain('past_profit')
      const byValue = [...all].sort((a, b) => b.value.total - a.value.total)
      best = byValue[0].customerId
      worst = byValue[59].customerId
      // rank tiers, cumulative shares 2 / 10 / 30 % of 60: floor 1, 6, 18 -> 1, 5, 12 and the rest
      const counts = ['Platinum', 'Gold', 'Silver', 'Bronze'].map(
        (t) => all.filter((p: { tier: { name: string } }) => p.tier.name === t).length,
      )
      expect(counts).toEqual([1, 5, 12, 42])
      expect(byValue[0].tier.name).toBe('Platinum')
      expect(
        byValue.slice(1, 6).every((p: { tier: { name: string } }) => p.tier.name === 'Gold'),
      ).toBe(true)
      expect(byValue[59].tier.name).toBe('Bronze')
    })

    it('lists by tier with keyset paging: every customer exactly once', async () => {
      const seen: string[] = []
      let cursor: string | null = null
      let pages = 0
      do {
        const q: string = cursor ? `&cursor=${cursor}` : ''
        const res = await h.call('GET', `/v1/customers?limit=7${q}`, { role: 'read-only' })
        expect(res.status).toBe(200)
        seen.push(...res.json.customers.map((c: { customerId: string }) => c.customerId))
        cursor = res.json.nextCursor
        pages++
      } while (cursor)
      expect(pages).toBe(9)
      expect(seen).toEqual([...seen].sort())
      expect(new Set(seen).size).toBe(60)
      const gold = await h.call('GET', '/v1/customers?tier=Gold&limit=100')
      expect(gold.json.customers.length).toBeGreaterThan(0)
      expect(
        gold.json.customers.every((c: { tier: { name: string } }) => c.tier.name === 'Gold'),
      ).toBe(true)
      // a tier the configuration does not have is a 404, as for audiences (not an empty page)
      const typo = await h.call('GET', '/v1/customers?tier=gold')
      expect(typo.status).toBe(404)
      expect(typo.json.error.message).toMatch(/tier/)
    })

    it('exports a tier audience as SHA-256 of normalized emails, nothing in clear', async () => {
      const res = await h.call('GET', '/v1/audiences/Platinum.csv', { role: 'analyst' })
      expect(res.status).toBe(200)
      const lines = res.text.trim().split('\n')
      expect(lines).toEqual(['email_sha256', sha(`user${Number(best.slice(5))}@example.com`)])
      const bronze = await h.call('GET', '/v1/audiences/Bronze.csv', { role: 'admin' })
      expect(bronze.text.trim().split('\n')).toHaveLength(43)
      expect(res.text).not.toMatch(/@/)
    })

    it('ranks a queue by tier and waiting time, and an overdue customer first', async () => {
      const body = {
        now: iso(now),
        queue: [
          { customerId: worst, waitingSince: iso(now - 10 * 60_000) },
          { customerId: best, waitingSince: iso(now - 60_000) },
          { customerId: 'unknown', waitingSince: iso(now - 3 * DAY) },
        ],
      }
      const res = await h.call('POST', '/v1/service/rank', { body, role: 'service' })
      expect(res.status).toBe(200)
      const ids = res.json.queue.map((q: { customerId: string }) => q.customerId)
      expect(ids).toEqual(['unknown', best, worst])
      expect(res.json.queue[0].overdue).toBe(true)
      // ISO 8601's basic offset (+0100) is read as everywhere else in the API: the same instants
      const plusOne = (ms: number) =>
        new Date(ms + 3_600_000).toISOString().replace('Z', '+0100').replace('.000', '')
      const basic = await h.call('POST', '/v1/service/rank', {
        body: {
          now: plusOne(now),
          queue: body.queue.map((q) => ({
            ...q,
            waitingSince: plusOne(Date.parse(q.waitingSince)),
          })),
        },
        role: 'service',
      })
      expect(basic.status).toBe(200)
      expect(basic.json.queue).toEqual(res.json.queue)
      const level = await h.call('GET', `/v1/service/level/${best}`, { role: 'read-only' })
      expect(level.json).toMatchObject({
        known: true,
        tierName: 'Platinum',
        priority: 1,
        queue: 'platinum',
        // the tier's perks, for a help desk or CRM to honour
        perks: expect.arrayContaining(['early access', 'dedicated account manager']),
      })
      const unknown = await h.call('GET', '/v1/service/level/nobody')
      expect(unknown.json).toMatchObject({ known: false, tierName: 'Bronze', perks: [] })
    })

    it('an event after the refit updates the profile without a refit', async () => {
      const before = (await h.call('GET', '/v1/customers/cust-01')).json
      await h.call('POST', '/v1/events', {
        body: orderEvent('cust-01', 'late-1', 500, iso(now - DAY)),
      })
      const after = (await h.call('GET', '/v1/customers/cust-01')).json
      expect(after.orders).toBe(before.orders + 1)
      expect(after.revenue).toBe(before.revenue + 500)
      expect(after.prediction.pAlive).toBeGreaterThanOrEqual(before.prediction.pAlive)
      expect(after.value.total).toBeGreaterThan(before.value.total)
      expect(after.tier.index).toBeLessThanOrEqual(before.tier.index)
    })
  })

  describe('customers imported from a file', () => {
    it("a refit gives their profiles the file's email, name and signup time, and the audiences hash them", async () => {
      const h = await harness(kind, { now: Date.parse('2025-03-01T12:00:00Z') })
      try {
        await h.store.use(async (e) => {
          await e.exec(`INSERT INTO orders (order_key, order_id, customer_id, ordered_at, order_date, amount)
            VALUES ('imp-o1', 'imp-o1', 'imp-1', TIMESTAMP '2025-01-05 10:00:00', DATE '2025-01-05', 40),
                   ('imp-o2', 'imp-o2', 'imp-1', TIMESTAMP '2025-02-05 10:00:00', DATE '2025-02-05', 60),
                   ('imp-o3', 'imp-o3', 'imp-2', TIMESTAMP '2025-02-10 10:00:00', DATE '2025-02-10', 5)`)
          await e.exec(`INSERT INTO customers (customer_id, email, name, signup_at)
            VALUES ('imp-1', ' Ida.Imported@Example.com ', 'Ida Imported', TIMESTAMP '2024-12-30 09:15:00')`)
        })
        const start = await h.call('POST', '/v1/jobs/refit', { role: 'analyst' })
        expect((await waitJob(h, start.json.jobId)).status).toBe('succeeded')
        const p = (await h.call('GET', '/v1/customers/imp-1')).json
        expect(p).toMatchObject({
          email: 'Ida.Imported@Example.com',
          name: 'Ida Imported',
          signupAt: '2024-12-30T09:15:00.000Z',
        })
        // the stored profile too, not only the answer
        const [row] = await h.store.use((e) =>
          e.query(
            `SELECT CAST(signup_at AS VARCHAR) AS s FROM customer_profile WHERE customer_id = 'imp-1'`,
          ),
        )
        expect(String(row?.s)).toMatch(/^2024-12-30 09:15:00/)
        const tier = p.tier.name as string
        const csv = (await h.call('GET', `/v1/audiences/${tier}.csv`, { role: 'admin' })).text
        const hash = sha('ida.imported@example.com')
        expect(csv).toContain(hash)
      } finally {
        await h.close()
      }
    })
  })

  describe('tier changes at the refit', () => {
    it('a demotion, which only a refit makes after the grace period, fires the tier_down playbook', async () => {
      const now = Date.parse('2025-03-03T12:00:00Z')
      const h = await harness(kind, {
        now,
        ops: {
          playbooks: [
            {
              id: 'tier-down-check-in',
              department: 'service',
              trigger: { type: 'tier_down', from: ['Platinum', 'Gold'] },
              actions: [{ type: 'task', role: 'am', title: 'Check in after the tier change' }],
            },
          ],
        },
      })
      try {
        const batch = []
        for (let k = 0; k < 50; k++)
          for (let j = 0; j < 1 + (k % 4); j++)
            batch.push(orderEvent(`t${k}`, `t${k}-${j}`, 20 + k, iso(now - (90 - 20 * j) * DAY)))
        await h.call('POST', '/v1/events/batch', { body: { batch } })
        const first = await h.call('POST', '/v1/jobs/refit', { role: 'analyst' })
        expect((await waitJob(h, first.json.jobId)).status).toBe('succeeded')
        // a big order promotes at once; its refund keeps the tier until the refit
        await h.call('POST', '/v1/events', {
          body: orderEvent('t0', 'big', 50_000, iso(now - DAY), 'big-1'),
        })
        expect((await h.call('GET', '/v1/customers/t0')).json.tier.name).toBe('Platinum')
        await h.call('POST', '/v1/events', {
          body: {
            type: 'track',
            messageId: 'big-refund',
            userId: 't0',
            event: 'Order Refunded',
            timestamp: iso(now - DAY / 2),
            properties: { order_id: 'big', total: 50_000 },
          },
        })
        const kept = (await h.call('GET', '/v1/customers/t0')).json
        expect(kept.tier.name).toBe('Platinum')
        expect(kept.reasons[0].text).toMatch(/^kept in Platinum until the next refit/)
        const refit = async () => {
          const job = await h.call('POST', '/v1/jobs/refit', { role: 'analyst' })
          expect((await waitJob(h, job.json.jobId)).status).toBe('succeeded')
        }
        const downs = async () =>
          (await h.call('GET', '/v1/actions?playbook=tier-down-check-in')).json.actions.filter(
            (a: { customerId: string }) => a.customerId === 't0',
          )
        // the default grace is 30 days from the first refit that finds t0 below Platinum
        await refit()
        const held = (await h.call('GET', '/v1/customers/t0')).json
        expect(held.tier.name).toBe('Platinum')
        expect(held.reasons[0].text).toMatch(/^kept in Platinum for 30 more days \(grace period\)/)
        expect(await downs()).toEqual([])
        // a refit minutes later is still day 0 of the grace (it read "29 more days"); the days
        // are whole days since the first refit that found t0 below
        h.clock.now = now + 10 * 60_000
        await refit()
        expect((await h.call('GET', '/v1/customers/t0')).json.reasons[0].text).toMatch(
          /^kept in Platinum for 30 more days/,
        )
        h.clock.now = now + 20 * DAY + 5 * 3600_000
        await refit()
        expect((await h.call('GET', '/v1/customers/t0')).json.reasons[0].text).toMatch(
          /^kept in Platinum for 10 more days/,
        )
        // days are calendar days (UTC), as analyze counts them: 2025-04-02 01:00 is day 30 (the
        // last), 2025-04-03 00:30 day 31, though only 30.5 days after the first refit's 12:00
        h.clock.now = now + 29 * DAY + 13 * 3600_000
        await refit()
        expect((await h.call('GET', '/v1/customers/t0')).json.reasons[0].text).toMatch(
          /^kept in Platinum for the last day/,
        )
        h.clock.now = now + 30 * DAY + 12.5 * 3600_000
        await refit()
        expect((await h.call('GET', '/v1/customers/t0')).json.tier.name).not.toBe('Platinum')
        const actions = (await h.call('GET', '/v1/actions?playbook=tier-down-check-in')).json
          .actions as { customerId: string; status: string; reason: string }[]
        expect(actions.map((a) => [a.customerId, a.status])).toContainEqual(['t0', 'task_created'])
        const tasks = (await h.call('GET', '/v1/tasks?customer=t0')).json.tasks
        expect(tasks.map((t: { title: string }) => t.title)).toContain(
          'Check in after the tier change',
        )
      } finally {
        await h.close()
      }
    })
  })

  describe('playbooks, tasks, goals, erasure', () => {
    let h: Harness
    let receiver: Server
    const received: { headers: Record<string, unknown>; body: Record<string, unknown> }[] = []
    const now = Date.parse('2025-03-03T12:00:00Z') // 12:00 UTC: outside quiet hours
    beforeAll(async () => {
      receiver = createServer((req, res) => {
        let data = ''
        req.on('data', (c) => (data += c))
        req.on('end', () => {
          received.push({ headers: req.headers, body: JSON.parse(data) })
          res.writeHead(204).end()
        })
      })
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()))
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
      h = await harness(kind, {
        now,
        ops: {
          goals: [
            { id: 'call-new', title: 'Call every new customer within 7 days', withinDays: 7 },
          ],
          playbooks: [
            {
              id: 'welcome',
              department: 'marketing',
              trigger: { type: 'first_order' },
              actions: [{ type: 'webhook', url, channel: 'email', template: 'welcome' }],
            },
            {
              id: 'call-first',
              department: 'service',
              trigger: { type: 'first_order' },
              actions: [
                { type: 'task', role: 'am', title: 'Call the new customer', goal: 'call-new' },
              ],
            },
            {
              id: 'thanks-review',
              department: 'recognition',
              trigger: { type: 'review_posted' },
              actions: [{ type: 'webhook', url, channel: 'email', template: 'thanks' }],
            },
          ],
          holdout: { defaultShare: 0, playbooks: { welcome: 0.5 } },
          contactBudget: { overall: [{ days: 7, max: 1 }] },
        },
      })
    })
    afterAll(async () => {
      await h.close()
      await new Promise<void>((r) => receiver.close(() => r()))
    })

    it('first orders fire the welcome (with a holdout) and a staff task; webhooks arrive once', async () => {
      // each identified with an email, the welcome's channel
      const batch = []
      for (let k = 0; k < 30; k++) {
        batch.push(identifyEvent(`p${k}`), orderEvent(`p${k}`, `po${k}`, 20, iso(now - 3_600_000)))
      }
      await h.call('POST', '/v1/events/batch', { body: { batch } })
      await h.dispatcher.kick()
      await h.dispatcher.idle()
      const actions = (await h.call('GET', '/v1/actions?playbook=welcome&limit=1000')).json.actions
      expect(actions).toHaveLength(30)
      const control = actions.filter((a: { control: boolean }) => a.control)
      const sent = actions.filter((a: { status: string }) => a.status === 'sent')
      expect(control.length).toBeGreaterThan(3)
      expect(control.length).toBeLessThan(27)
      expect(
        control.every(
          (a: { status: string; reason: string }) =>
            a.status === 'suppressed' && a.reason === 'holdout',
        ),
      ).toBe(true)
      expect(sent.length).toBe(30 - control.length)
      expect(received.length).toBe(sent.length)
      expect(new Set(received.map((r) => r.headers['idempotency-key'])).size).toBe(received.length)
      expect(received[0]!.body).toMatchObject({
        playbookId: 'welcome',
        channel: 'email',
        template: 'welcome',
      })
      expect(received.every((r) => r.body.email === `${r.body.customerId}@example.com`)).toBe(true)
      const tasks = (await h.call('GET', '/v1/tasks?goal=call-new&limit=100')).json.tasks
      expect(tasks).toHaveLength(30)
      // a retried event fires nothing again
      await h.call('POST', '/v1/events/batch', { body: { batch } })
      await h.dispatcher.kick()
      await h.dispatcher.idle()
      expect(
        (await h.call('GET', '/v1/actions?playbook=welcome&limit=1000')).json.actions,
      ).toHaveLength(30)
    })

    it('actions and tasks page on with nextCursor: every row once, in the listing order', async () => {
      const pages = async (path: string, key: 'actions' | 'tasks') => {
        const seen: string[] = []
        let cursor: string | null = null
        for (let i = 0; i < 20; i++) {
          const q: string = cursor ? `&cursor=${cursor}` : ''
          const page = (await h.call('GET', `${path}&limit=7${q}`)).json
          seen.push(
            ...page[key].map((r: { actionKey?: string; id?: string }) => r.actionKey ?? r.id),
          )
          cursor = page.nextCursor
          if (!cursor) break
        }
        return seen
      }
      // the 30 welcome actions share one creation time: the key orders them within it
      const all = (await h.call('GET', '/v1/actions?playbook=welcome&limit=1000')).json
      expect(all.nextCursor).toBeNull()
      const paged = await pages('/v1/actions?playbook=welcome', 'actions')
      expect(paged).toHaveLength(30)
      expect(paged).toEqual(all.actions.map((a: { actionKey: string }) => a.actionKey))
      const tasks = (await h.call('GET', '/v1/tasks?goal=call-new&limit=100')).json.tasks
      const pagedTasks = await pages('/v1/tasks?goal=call-new', 'tasks')
      expect(pagedTasks).toEqual(tasks.map((t: { id: string }) => t.id))
      expect(new Set(pagedTasks).size).toBe(30)
      // made up: no cursor text, no time in it, or a time JavaScript reads and the store cannot
      for (const bad of [
        'abc',
        Buffer.from('["x","y"]').toString('base64url'),
        Buffer.from('["275760-09-13","x"]').toString('base64url'),
      ]) {
        for (const path of ['/v1/tasks', '/v1/actions']) {
          const res = await h.call('GET', `${path}?cursor=${bad}`)
          expect(res.status, `${path} ${bad}`).toBe(400)
          expect(JSON.stringify(res.json)).toContain('cursor')
        }
      }
      // a NUL in a made-up key: PostgreSQL cannot take it as text (it was a 500 there)
      const nul = (parts: string[]) => Buffer.from(JSON.stringify(parts)).toString('base64url')
      for (const [path, c] of [
        ['/v1/customers', nul(['customers', '\u0000'])],
        ['/v1/tasks', nul(['tasks', '2025-01-01T00:00:00Z', 'a\u0000'])],
        ['/v1/actions', nul(['actions', '2025-01-01T00:00:00Z', 'a\u0000'])],
      ] as const) {
        const res = await h.call('GET', `${path}?cursor=${c}`)
        expect(res.status, path).toBe(400)
        expect(res.json.error.details).toEqual([
          { path: 'cursor', reason: 'not a cursor from a previous page' },
        ])
      }
    })

    it('the contact budget suppresses a second message in the window, with the reason', async () => {
      const review = {
        type: 'track',
        messageId: 'rev-1',
        userId: 'p0',
        event: 'Product Reviewed',
        timestamp: iso(now),
        properties: {},
      }
      await h.call('POST', '/v1/events', { body: review })
      const a = (await h.call('GET', '/v1/actions?playbook=thanks-review')).json.actions
      expect(a).toHaveLength(1)
      const welcome = (await h.call('GET', '/v1/actions?playbook=welcome&customer=p0')).json
        .actions[0]
      if (welcome.control) expect(a[0].status).toBe('queued')
      else expect(a[0]).toMatchObject({ status: 'suppressed', reason: 'cap_overall' })
    })

    it('tasks: claim, complete with an outcome; illegal moves are 409; goals report progress', async () => {
      const [t1, t2] = (await h.call('GET', '/v1/tasks?status=open&limit=2')).json.tasks
      const claimed = await h.call('POST', `/v1/tasks/${t1.id}/claim`, {
        role: 'service',
        body: { by: 'ann' },
      })
      expect(claimed.json).toMatchObject({ status: 'claimed', claimedBy: 'ann' })
      expect(
        (await h.call('POST', `/v1/tasks/${t1.id}/claim`, { body: { by: 'bob' } })).status,
      ).toBe(409)
      expect(
        (await h.call('POST', `/v1/tasks/${t1.id}/complete`, { body: { by: 'bob', outcome: 'x' } }))
          .status,
      ).toBe(409)
      expect(
        (await h.call('POST', `/v1/tasks/${t2.id}/complete`, { body: { outcome: 'x' } })).status,
      ).toBe(409)
      h.clock.now += 2 * 3_600_000
      const done = await h.call('POST', `/v1/tasks/${t1.id}/complete`, {
        role: 'service',
        body: { by: 'ann', outcome: 'reached, ordered again' },
      })
      expect(done.json).toMatchObject({ status: 'completed', outcome: 'reached, ordered again' })
      const goals = (await h.call('GET', '/v1/goals')).json.goals
      expect(goals[0]).toMatchObject({
        goalId: 'call-new',
        eligible: 30,
        completed: 1,
        completedOnTime: 1,
        pending: 29,
      })
      expect(goals[0].medianHoursToAction).toBeCloseTo(2 + (1 / 60 / 60) * 0, 1)
      const eff = (await h.call('GET', '/v1/playbooks/call-first/effect')).json
      expect(eff.reach.customers).toBe(30)
      expect(eff.outcomes).toEqual([{ outcome: 'reached, ordered again', count: 1 }])
    })

    it('measures the welcome effect against its holdout group', async () => {
      // the treated customers buy again, the control group does not
      const actions = (await h.call('GET', '/v1/actions?playbook=welcome&limit=1000')).json.actions
      const batch = actions
        .filter((a: { control: boolean }) => !a.control)
        .map((a: { customerId: string }) =>
          orderEvent(a.customerId, `again-${a.customerId}`, 30, iso(h.clock.now + DAY)),
        )
      h.clock.now += 2 * DAY
      await h.call('POST', '/v1/events/batch', { body: { batch } })
      const eff = (await h.call('GET', '/v1/playbooks/welcome/effect?windowDays=30')).json
      expect(eff.reach.treated + eff.reach.control).toBe(30)
      expect(eff.effect.treated.converted).toBe(eff.reach.treated)
      expect(eff.effect.control.converted).toBe(0)
      expect(eff.effect.absoluteLift).toBe(1)
      expect(eff.effect.pValue).toBeLessThan(0.001)
      expect((await h.call('GET', '/v1/playbooks/nope/effect')).status).toBe(404)
    })

    it('erasure removes every personal field and keeps the anonymous aggregates', async () => {
      const email = 'Erin.Secret@Example.org'
      await h.call('POST', '/v1/events', {
        body: {
          type: 'identify',
          messageId: 'e-id',
          userId: 'erin-77',
          traits: { email, name: 'Erin Secret', timezone: 'Europe/Oslo' },
        },
      })
      // a direct customer: its message id is made by Loyals from the id and the traits
      const direct = await h.call('POST', '/v1/customers', {
        body: { customer_id: 'erin-77', email, name: 'Erin Secret' },
      })
      expect(direct.status).toBe(200)
      await h.call('POST', '/v1/events', {
        body: orderEvent('erin-77', 'o-e1', 99, iso(h.clock.now - DAY), 'x-2'),
      })
      await h.call('POST', '/v1/events', {
        body: {
          type: 'track',
          messageId: 'e-rev',
          userId: 'erin-77',
          event: 'Product Reviewed',
          properties: { text: 'Erin Secret loved it' },
        },
      })
      // imported value inputs and a deferred message name her too
      await h.store.use(async (e) => {
        await e.exec(`INSERT INTO survey_responses (response_key, customer_id, responded_at, nps, comment)
          VALUES ('sr-e', 'erin-77', TIMESTAMP '2024-01-02 00:00:00', 9, 'Erin Secret says hi')`)
        await e.exec(`INSERT INTO referrals (referral_key, referrer_id, referred_id, code)
          VALUES ('erin-77 > zed', 'erin-77', 'zed', 'REF-erin-77')`)
        await e.exec(`INSERT INTO engagement_events (event_key, customer_id, occurred_at, event)
          VALUES ('ee-e', 'erin-77', TIMESTAMP '2024-01-02 00:00:00', 'review')`)
        await e.exec(`INSERT INTO tickets (ticket_id, customer_id, opened_at)
          VALUES ('tk-e', 'erin-77', TIMESTAMP '2024-01-02 00:00:00')`)
        await e.exec(`INSERT INTO returns (return_key, order_id, customer_id, returned_at, amount)
          VALUES ('rt-e', 'o-e1', 'erin-77', TIMESTAMP '2024-01-03 00:00:00', 5)`)
        // a product name and a task outcome are free text that may name her
        await e.exec(`INSERT INTO order_lines (line_key, order_id, product_id, product_name, category)
          VALUES ('o-e1:0', 'o-e1', 'p9', 'Gift for Erin Secret', 'Gifts')`)
        await e.exec(`INSERT INTO tasks (task_id, customer_id, title, status, created_at, due_at,
            completed_at, outcome)
          VALUES ('tk-erin', 'erin-77', 'Call', 'completed', TIMESTAMP '2024-01-02 00:00:00',
            TIMESTAMP '2024-01-09 00:00:00', TIMESTAMP '2024-01-03 00:00:00',
            'Spoke to Erin Secret, moving to Oslo')`)
        await e.exec(`INSERT INTO actions_log (action_key, playbook_id, customer_id, trigger_type,
            department, kind, channel, status, control, attempts, created_at, scheduled_at)
          VALUES ('later:erin-77:x', 'later', 'erin-77', 'event', 'marketing', 'webhook', 'email',
            'deferred', false, 0, TIMESTAMP '2024-01-02 00:00:00', TIMESTAMP '2099-01-01 00:00:00')`)
      })
      await h.call('POST', '/v1/events', {
        body: {
          type: 'track',
          messageId: 'e-nps',
          userId: 'erin-77',
          event: 'Survey Responded',
          properties: { nps: 3, ces: 5 },
        },
      })
      const revenueBefore = await count(h, 'SELECT sum(amount) AS s FROM orders')
      const scored = (await h.call('GET', '/v1/customers/erin-77')).json
      expect(scored.engagement).toMatchObject({ nps: 3, ces: 5 })
      const del = await h.call('DELETE', '/v1/customers/erin-77')
      expect(del.status).toBe(200)
      expect(del.json.pseudonym).toMatch(/^erased_[0-9a-f]{32}$/)
      expect(del.json.pseudonym).not.toContain('erin')
      expect((await h.call('GET', '/v1/customers/erin-77')).status).toBe(404)
      expect(await count(h, 'SELECT sum(amount) AS s FROM orders')).toBe(revenueBefore)
      const anon = (await h.call('GET', `/v1/customers/${del.json.pseudonym}`)).json
      expect(anon).toMatchObject({ orders: 1, revenue: 99, email: null, name: null })
      // her scores and answers keep counting under the pseudonym (tier, value, service level)
      const kept = (p: typeof anon) => [p.value, p.prediction, p.tier, p.segment, p.engagement]
      expect(kept(anon)).toEqual(kept(scored))
      for (const table of [
        'orders',
        'order_lines',
        'customers',
        'events',
        'customer_profile',
        'actions_log',
        'tasks',
        'survey_responses',
        'referrals',
        'engagement_events',
        'tickets',
        'returns',
      ]) {
        const rows = await h.store.use((e) => e.query(`SELECT * FROM ${table}`))
        const text = JSON.stringify(rows).toLowerCase()
        for (const needle of ['erin-77', 'erin.secret', 'erin secret', 'europe/oslo']) {
          expect(text, `${table} still holds ${needle}`).not.toContain(needle)
        }
      }
      // the deferred message will not be released
      expect(
        await h.store.use((e) =>
          e.query(
            "SELECT count(*) AS n FROM actions_log WHERE status IN ('deferred', 'queued') AND playbook_id = 'later'",
          ),
        ),
      ).toEqual([{ n: 0 }])
      // erasing her again answers as erasing twice does: done before, nothing changed
      const twice = await h.call('DELETE', '/v1/customers/erin-77')
      expect(twice.status).toBe(200)
      expect(twice.json).toMatchObject({ alreadyErased: true, pseudonym: del.json.pseudonym })
      // the task still counts, with no words about her; erasing the pseudonym again changes nothing
      const [task] = await h.store.use((e) =>
        e.query("SELECT customer_id, status, outcome FROM tasks WHERE task_id = 'tk-erin'"),
      )
      expect(task).toEqual({
        customer_id: del.json.pseudonym,
        status: 'completed',
        outcome: '(erased)',
      })
      const again = await h.call('DELETE', `/v1/customers/${del.json.pseudonym}`)
      expect(again.json.pseudonym).toBe(del.json.pseudonym)
      expect((await h.call('GET', `/v1/customers/${del.json.pseudonym}`)).json.revenue).toBe(99)
    })
  })
})
