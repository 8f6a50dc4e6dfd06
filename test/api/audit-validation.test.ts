// Input checks the service audit asked for: ids sent as JSON numbers past 2^53, event times in the
// future, the last admin key revoking itself, orders in another currency than the workspace's, and
// the small ones (userId required, a +0100 offset, a claim without a body).
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/api/app.ts'
import { KeyCache } from '../../src/api/auth.ts'
import type { ApiDeps } from '../../src/api/route.ts'
import { startServer } from '../../src/api/server.ts'
import { createApiKey } from '../../src/service/ops/keys.ts'
import { STORES } from '../engines/stores.ts'
import { tempDir } from '../helpers/cli.ts'
import { count, type Harness, harness, orderEvent } from './harness.ts'

const DAY = 86_400_000
const NOW = Date.parse('2025-03-01T12:00:00Z')
const iso = (ms: number) => new Date(ms).toISOString()

const paths = (res: { json: { error: { details: { path: string }[] } } }) =>
  res.json.error.details.map((d) => d.path)

const reasonAt = (
  res: { json: { error: { details: { path: string; reason: string }[] } } },
  p: string,
) => res.json.error.details.find((d) => d.path === p)?.reason ?? ''

describe.each(STORES)('audited input checks on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind, {
      now: NOW,
      ops: {
        playbooks: [
          {
            id: 'call-first',
            department: 'service',
            trigger: { type: 'first_order' },
            actions: [{ type: 'task', role: 'am', title: 'Call the new customer' }],
          },
        ],
        holdout: { defaultShare: 0 },
      },
    })
  })
  afterAll(async () => {
    await h.close()
  })

  describe('ids sent as JSON numbers', () => {
    it('an order and customer id past 2^53 are refused, naming each field, before anything is stored', async () => {
      const res = await h.call('POST', '/v1/orders', {
        raw: '{"order_id":98765432109876543210,"customer_id":12345678901234567890,"ordered_at":"2025-01-01T00:00:00Z","amount":5}',
      })
      expect(res.status).toBe(400)
      expect(res.json.error.code).toBe('invalid_request')
      expect(paths(res)).toEqual(['order_id', 'customer_id'])
      expect(reasonAt(res, 'order_id')).toMatch(/send ids as strings/)
      expect(reasonAt(res, 'order_id')).toContain('98765432109876540000')
      const huge = await h.call('POST', '/v1/customers', { raw: '{"customer_id":1e30}' })
      expect(huge.status).toBe(400)
      expect(paths(huge)).toEqual(['customer_id'])
      const fraction = await h.call('POST', '/v1/customers', { raw: '{"customer_id":12.5}' })
      expect(reasonAt(fraction, 'customer_id')).toMatch(/send ids as strings/)
      expect(await count(h, 'SELECT count(*) AS n FROM events')).toBe(0)
    })

    it('every id of a Segment call is checked: userId, order_id, product_id, in a batch too', async () => {
      const ev = orderEvent('c1', 'o1', 5, '2025-01-01T00:00:00Z')
      const one = await h.call('POST', '/v1/events', {
        body: {
          ...ev,
          userId: 2 ** 60,
          properties: { order_id: 2 ** 54, total: 5, products: [{ product_id: 1e17 }] },
        },
      })
      expect(one.status).toBe(400)
      expect(paths(one)).toEqual([
        'userId',
        'properties.order_id',
        'properties.products[0].product_id',
      ])
      const refund = await h.call('POST', '/v1/events', {
        body: {
          type: 'track',
          messageId: 'r1',
          userId: 'c1',
          event: 'Order Refunded',
          properties: { order_id: -(2 ** 53), total: 1 },
        },
      })
      expect(paths(refund)).toEqual(['properties.order_id'])
      const batch = await h.call('POST', '/v1/events/batch', {
        body: { batch: [ev, { ...ev, messageId: 'b2', userId: 2 ** 53 + 2 }] },
      })
      expect(batch.status).toBe(400)
      expect(paths(batch)).toEqual(['batch[1].userId'])
      expect(await count(h, 'SELECT count(*) AS n FROM events')).toBe(0)
    })

    it('a field left out is "required" and a query number that is none "not a number"', async () => {
      // zod's own words read "Invalid input: expected number, received undefined" / "... NaN"
      const res = await h.call('POST', '/v1/orders', {
        body: { order_id: 'o-miss', customer_id: 'c-miss', ordered_at: iso(NOW - DAY), ammount: 5 },
      })
      expect(res.status).toBe(400)
      expect(reasonAt(res, 'amount')).toBe('required')
      const list = await h.call('GET', '/v1/customers?limit=abc')
      expect(list.status).toBe(400)
      expect(reasonAt(list, 'limit')).toBe('not a number')
    })

    it('safe integers and strings are still ids', async () => {
      const res = await h.call('POST', '/v1/orders', {
        raw: '{"order_id":9007199254740991,"customer_id":-42,"ordered_at":"2025-01-01T00:00:00Z","amount":5}',
      })
      expect(res.status).toBe(200)
      expect(res.json.status).toBe('stored')
      const p = await h.call('GET', '/v1/customers/-42')
      expect(p.status).toBe(200)
      const [o] = await h.store.use((e) =>
        e.query("SELECT order_id FROM orders WHERE customer_id = '-42'"),
      )
      expect(String(o?.order_id)).toBe('9007199254740991')
    })
  })

  describe('times in the future', () => {
    it('an order dated after the clock plus a day is refused, naming the field; the profile keeps its dates', async () => {
      const past = await h.call('POST', '/v1/orders', {
        body: { order_id: 'f0', customer_id: 'fut', ordered_at: iso(NOW - DAY), amount: 10 },
      })
      expect(past.status).toBe(200)
      const res = await h.call('POST', '/v1/orders', {
        body: {
          order_id: 'f1',
          customer_id: 'fut',
          ordered_at: '2029-01-01T00:00:00Z',
          amount: 10,
        },
      })
      expect(res.status).toBe(400)
      expect(paths(res)).toEqual(['ordered_at'])
      expect(reasonAt(res, 'ordered_at')).toMatch(/is in the future/)
      const p = (await h.call('GET', '/v1/customers/fut')).json
      expect(p.lastOrderAt).toBe(iso(NOW - DAY))
      expect(p.orders).toBe(1)
    })

    it('the slack is one day: at the clock plus a day is taken, a second later is not', async () => {
      const at = (ms: number, id: string) =>
        h.call('POST', '/v1/events', { body: orderEvent('slack', id, 1, iso(ms)) })
      expect((await at(NOW + DAY, 's1')).status).toBe(200)
      const late = await at(NOW + DAY + 1000, 's2')
      expect(late.status).toBe(400)
      expect(paths(late)).toEqual(['timestamp'])
      // the clock is the server's (the store's injectable now), not the test machine's
      h.clock.now = NOW + 2 * DAY
      try {
        expect((await at(NOW + DAY + 1000, 's3')).status).toBe(200)
      } finally {
        h.clock.now = NOW
      }
    })

    it('a sign-up in the future and a future call in a batch are refused; nothing of the batch is stored', async () => {
      const before = await count(h, 'SELECT count(*) AS n FROM events')
      const id = await h.call('POST', '/v1/events', {
        body: {
          type: 'identify',
          messageId: 'i-fut',
          userId: 'fut2',
          traits: { createdAt: '2030-05-05T00:00:00Z' },
        },
      })
      expect(paths(id)).toEqual(['traits.createdAt'])
      const cust = await h.call('POST', '/v1/customers', {
        body: { customer_id: 'fut2', signup_at: '2030-05-05T00:00:00Z' },
      })
      expect(paths(cust)).toEqual(['signup_at'])
      const batch = await h.call('POST', '/v1/events/batch', {
        body: {
          batch: [
            orderEvent('fut3', 'b1', 1, iso(NOW - DAY)),
            orderEvent('fut3', 'b2', 1, '2029-06-01T00:00:00Z'),
          ],
        },
      })
      expect(batch.status).toBe(400)
      expect(paths(batch)).toEqual(['batch[1].timestamp'])
      expect(await count(h, 'SELECT count(*) AS n FROM events')).toBe(before)
    })
  })

  describe('key revocation', () => {
    const idOf = (key: string) => key.split('_')[1]!

    it('a blank key name is a 400 naming name (keys list tells keys apart by it); a name is trimmed', async () => {
      const blank = await h.call('POST', '/v1/keys', { body: { role: 'analyst', name: '   ' } })
      expect(blank.status).toBe(400)
      expect(blank.json.error.details).toEqual([
        { path: 'name', reason: 'is blank: name who or what uses the key' },
      ])
      const padded = await h.call('POST', '/v1/keys', { body: { role: 'analyst', name: ' bot ' } })
      expect(padded.status).toBe(201)
      expect(padded.json.name).toBe('bot')
    })

    it('the last active admin key cannot revoke itself; a revoked key again is 200 with alreadyRevoked', async () => {
      const own = idOf(h.keys.admin)
      const self = await h.call('DELETE', `/v1/keys/${own}`)
      expect(self.status).toBe(409)
      expect(self.json.error.code).toBe('key_state_error')
      expect(self.json.error.message).toMatch(/last active admin key/)
      expect((await h.call('GET', '/v1/keys')).status).toBe(200)

      const second = await h.call('POST', '/v1/keys', { body: { role: 'admin', name: 'second' } })
      expect(second.status).toBe(201)
      const first = await h.call('DELETE', `/v1/keys/${own}`, { token: second.json.key })
      expect(first.status).toBe(200)
      expect(first.json).toMatchObject({ revoked: own, alreadyRevoked: false })
      const again = await h.call('DELETE', `/v1/keys/${own}`, { token: second.json.key })
      expect(again.status).toBe(200)
      expect(again.json).toEqual({
        revoked: own,
        revokedAt: first.json.revokedAt,
        alreadyRevoked: true,
      })
      expect(
        (await h.call('DELETE', '/v1/keys/000000000000', { token: second.json.key })).status,
      ).toBe(404)
      // the second one is now the last
      const last = await h.call('DELETE', `/v1/keys/${second.json.keyId}`, {
        token: second.json.key,
      })
      expect(last.status).toBe(409)
      // non-admin keys go as before
      const ro = await h.call('DELETE', `/v1/keys/${idOf(h.keys['read-only'])}`, {
        token: second.json.key,
      })
      expect(ro.status).toBe(200)
      // the harness's admin key is gone: later tests use the second one
      h.keys.admin = second.json.key
    })
  })

  describe("orders in another currency than the workspace's", () => {
    const gbpRefund = (messageId: string, userId: string, orderId: string) => ({
      type: 'track',
      messageId,
      userId,
      event: 'Order Refunded',
      timestamp: iso(NOW - DAY),
      properties: { order_id: orderId, total: 5, currency: 'GBP' },
    })
    /** POST as the service role to an app with these currency settings. */
    const poster = (currencies: Pick<ApiDeps, 'currency' | 'ordersCurrency'>) => {
      const app = createApp({
        store: h.store,
        ingestor: h.ingestor,
        jobs: h.jobs,
        keys: new KeyCache(h.store),
        version: 'test',
        ...currencies,
      })
      return async (path: string, body: unknown) => {
        const res = await app.request(path, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${h.keys.service}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify(body),
        })
        // biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field
        return { status: res.status, json: (await res.json()) as any }
      }
    }

    it('is a 422 naming the field and both currencies when the value configuration names one', async () => {
      const post = poster({ currency: 'EUR' })
      const before = await count(h, 'SELECT count(*) AS n FROM events')
      const direct = await post('/v1/orders', {
        order_id: 'y1',
        customer_id: 'yen',
        ordered_at: iso(NOW - DAY),
        amount: 100,
        currency: 'JPY',
      })
      expect(direct.status).toBe(422)
      expect(direct.json.error.code).toBe('data_error')
      expect(direct.json.error.message).toMatch(/^currency: .*JPY.*EUR/)
      expect(direct.json.error.details).toEqual({
        path: 'currency',
        currency: 'JPY',
        expected: 'EUR',
      })
      const ev = orderEvent('yen', 'y2', 100, iso(NOW - DAY))
      const track = await post('/v1/events', {
        ...ev,
        properties: { ...ev.properties, currency: 'jpy' },
      })
      expect(track.status).toBe(422)
      expect(track.json.error.details.path).toBe('properties.currency')
      const batch = await post('/v1/events/batch', {
        batch: [
          orderEvent('yen', 'y3', 1, iso(NOW - DAY)),
          { ...ev, messageId: 'y4', properties: { ...ev.properties, currency: 'USD' } },
        ],
      })
      expect(batch.status).toBe(422)
      expect(batch.json.error.details).toMatchObject({ path: 'batch[1].properties.currency' })
      // a refund in another currency would be taken off the euros too
      const refund = await post('/v1/events', gbpRefund('r-gbp', 'yen', 'e0'))
      expect(refund.status).toBe(422)
      expect(refund.json.error.message).toMatch(/^properties\.currency: the refund is in GBP, but/)
      expect(await count(h, 'SELECT count(*) AS n FROM events')).toBe(before)
      // the workspace's currency in any case, or none, is taken
      const eur = await post('/v1/orders', {
        order_id: 'e1',
        customer_id: 'yen',
        ordered_at: iso(NOW - DAY),
        amount: 100,
        currency: 'eur',
      })
      expect(eur.status).toBe(200)
      const none = await post('/v1/events', orderEvent('yen', 'e2', 5, iso(NOW - DAY)))
      expect(none.status).toBe(200)
    })

    it("without a configured one, is a 422 against the stored orders' currency, or the first an order brings", async () => {
      const held = { code: null as string | null }
      const post = poster({ currency: null, ordersCurrency: held })
      // as a server started on a store without orders prices (priced-config.ts): in no currency
      const order = (id: string, currency?: string) => ({
        order_id: id,
        customer_id: 'mix',
        ordered_at: iso(NOW - DAY),
        amount: 10,
        ...(currency ? { currency } : {}),
      })
      const configured = h.store.value
      h.store.value = { ...configured, currency: { ...configured.currency, code: null } }
      try {
        expect((await post('/v1/orders', order('m1'))).status).toBe(200)
        expect(held.code).toBeNull()
        expect((await post('/v1/orders', order('m2', 'eur'))).status).toBe(200)
        expect(held.code).toBe('EUR')
        // the profiles are priced in it at once, not after a restart (currency null, cents of yen)
        expect(h.store.value.currency.code).toBe('EUR')
        expect((await h.call('GET', '/v1/customers/mix')).json.currency).toBe('EUR')
      } finally {
        h.store.value = configured
      }
      const usd = await post('/v1/orders', order('m3', 'USD'))
      expect(usd.status).toBe(422)
      expect(usd.json.error.message).toBe(
        'currency: the order is in USD, but the stored orders are in EUR (the value configuration names no currency.code); amounts in two currencies cannot be added up, so convert the order to EUR first',
      )
      const refund = await post('/v1/events', gbpRefund('mix-r', 'mix', 'm2'))
      expect(refund.status).toBe(422)
      expect(refund.json.error.details).toMatchObject({ currency: 'GBP', expected: 'EUR' })
      expect((await post('/v1/orders', order('m4', 'EUR'))).status).toBe(200)
      expect(await count(h, "SELECT count(*) AS n FROM orders WHERE customer_id = 'mix'")).toBe(3)
      // into a workspace without one, the first currency of a batch or a file stands for the rest
      const fresh = { code: null as string | null }
      const into = poster({ currency: null, ordersCurrency: fresh })
      const ev = (id: string, currency: string) => {
        const e = orderEvent('mix2', id, 5, iso(NOW - DAY), `mx-${id}`)
        return { ...e, properties: { ...e.properties, currency } }
      }
      const two = await into('/v1/events/batch', { batch: [ev('n1', 'USD'), ev('n2', 'EUR')] })
      expect(two.status).toBe(422)
      expect(two.json.error.message).toMatch(
        /^batch\[1\]\.properties\.currency: the order is in EUR, but batch\[0\]\.properties\.currency is USD \(the workspace has no currency yet/,
      )
      for (const [seq, currency] of [
        [0, 'USD'],
        [1, 'EUR'],
      ] as const) {
        const staged = await into('/v1/imports/mixed-file/batches', {
          seq,
          batch: [ev(`f${seq}`, currency)],
        })
        expect(staged.status).toBe(200)
      }
      const commit = await into('/v1/imports/mixed-file/commit', {})
      expect(commit.status).toBe(422)
      expect(commit.json.error.details).toMatchObject({ path: 'events[1].properties.currency' })
      expect(fresh.code).toBeNull()
      expect(await count(h, "SELECT count(*) AS n FROM orders WHERE customer_id = 'mix2'")).toBe(0)
      // a file imported through the server gives the workspace its currency
      expect(
        (await into('/v1/imports/one-file/batches', { seq: 0, batch: [ev('g0', 'USD')] })).status,
      ).toBe(200)
      expect((await into('/v1/imports/one-file/commit', {})).status).toBe(200)
      expect(fresh.code).toBe('USD')
      expect((await into('/v1/orders', order('g1', 'EUR'))).status).toBe(422)
      // a server reads the stored orders' one currency when it starts
      const started = poster({ currency: null, ordersCurrency: { code: 'JPY' } })
      expect((await started('/v1/orders', order('m5', 'EUR'))).status).toBe(422)
    })

    it('without a configured currency any ISO 4217 code is taken', async () => {
      const res = await h.call('POST', '/v1/orders', {
        role: 'service',
        body: {
          order_id: 'j1',
          customer_id: 'yen2',
          ordered_at: iso(NOW - DAY),
          amount: 100,
          currency: 'JPY',
        },
      })
      expect(res.status).toBe(200)
      // but only an ISO 4217 code: "xx1" or "DOLLARS" made a workspace no offline command reads
      for (const currency of ['xx1', 'DOLLARS', 'US', 'XYZ']) {
        const bad = await h.call('POST', '/v1/orders', {
          role: 'service',
          body: {
            order_id: `j-${currency}`,
            customer_id: 'yen2',
            ordered_at: iso(NOW - DAY),
            amount: 1,
            currency,
          },
        })
        expect(bad.status, currency).toBe(400)
        expect(bad.json.error.details, currency).toContainEqual({
          path: 'currency',
          reason: 'must be an ISO 4217 currency code (EUR, USD, JPY ...)',
        })
      }
    })
  })

  describe('small ones', () => {
    it('an event name we act on is read in any case and spacing; a messageId of spaces is refused', async () => {
      for (const [name, id, order] of [
        ['order completed', 'lc-1', 'lc-o1'],
        ['  Order   Completed ', 'lc-2', 'lc-o2'],
      ] as const) {
        const ev = { ...orderEvent('lc', order, 10, iso(NOW - DAY), id), event: name }
        const r = await h.call('POST', '/v1/events', { body: ev })
        expect([r.status, r.json.status], name).toEqual([200, 'stored'])
      }
      expect(await count(h, "SELECT count(*) AS n FROM orders WHERE customer_id = 'lc'")).toBe(2)
      expect((await h.call('GET', '/v1/customers/lc')).json.revenue).toBe(20)
      const blank = await h.call('POST', '/v1/events', {
        body: { ...orderEvent('lc', 'lc-o3', 10, iso(NOW - DAY), '   ') },
      })
      expect(blank.status).toBe(400)
      expect(blank.json.error.details).toContainEqual({
        path: 'messageId',
        reason: 'must not be only spaces',
      })
      const noName = await h.call('POST', '/v1/events', {
        body: { ...orderEvent('lc', 'lc-o4', 10, iso(NOW - DAY)), event: '  ' },
      })
      expect(noName.status).toBe(400)
    })

    it('an anonymousId-only call is told that userId is required', async () => {
      const res = await h.call('POST', '/v1/events', {
        body: { type: 'identify', messageId: 'anon', anonymousId: 'a-1', traits: {} },
      })
      expect(res.status).toBe(400)
      expect(res.json.error.details).toEqual([
        { path: 'userId', reason: expect.stringMatching(/^userId is required/) },
      ])
    })

    it('a basic (+0100) or hours-only (+01) offset is an ISO 8601 time', async () => {
      for (const [at, id, want] of [
        ['2025-01-10T10:00:00+0100', 'z1', '2025-01-10T09:00:00.000Z'],
        ['2025-01-11T10:00:00.5-05', 'z2', '2025-01-11T15:00:00.500Z'],
      ] as const) {
        const res = await h.call('POST', '/v1/events', { body: orderEvent('zone', id, 3, at) })
        expect(res.status, at).toBe(200)
        expect((await h.call('GET', '/v1/customers/zone')).json.lastOrderAt).toBe(want)
      }
      const cust = await h.call('POST', '/v1/customers', {
        body: { customer_id: 'zone', signup_at: '2024-12-01T08:00:00+0530' },
      })
      expect(cust.status).toBe(200)
      const bad = await h.call('POST', '/v1/events', {
        body: orderEvent('zone', 'z3', 3, '2025-01-10T10:00:00+01:0'),
      })
      expect(paths(bad)).toEqual(['timestamp'])
    })

    it('a task is claimed with no body at all, as the key', async () => {
      const [task] = (await h.call('GET', '/v1/tasks?status=open&limit=1')).json.tasks
      expect(task).toBeDefined()
      const res = await h.call('POST', `/v1/tasks/${task.id}/claim`, { role: 'service' })
      expect(res.status).toBe(200)
      expect(res.json).toMatchObject({ status: 'claimed', claimedBy: 'service-user' })
      // a body that is there is still checked
      const extra = await h.call('POST', `/v1/tasks/${task.id}/claim`, {
        role: 'service',
        body: { who: 'x' },
      })
      expect(extra.status).toBe(400)
    })
  })
})

describe('loyals serve takes the currency from the value configuration only when it names one', () => {
  const dir = tempDir('loyals-currency-')
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it.each([
    ['names EUR: a JPY order is a 422', { currency: { code: 'EUR' } }, 422],
    ['names none (the USD default is for display): a JPY order is taken', {}, 200],
  ] as const)('the file %s', async (name, config, status) => {
    const valueConfigPath = join(dir, `${name.length}.value.json`)
    writeFileSync(valueConfigPath, JSON.stringify(config))
    const server = await startServer({
      db: join(dir, `${name.length}.duckdb`),
      port: 0,
      host: '127.0.0.1',
      valueConfigPath,
      tickEveryMs: null,
      version: 'test',
    })
    try {
      const { key } = await server.store.use((e) => createApiKey(e, 'service', 's'))
      const res = await fetch(`${server.url}/v1/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          order_id: 'o1',
          customer_id: 'c1',
          ordered_at: '2025-01-01T00:00:00Z',
          amount: 100,
          currency: 'JPY',
        }),
      })
      expect(res.status).toBe(status)
      // without a named one, the JPY order stored is the orders' currency now: EUR is refused
      const second = async (currency: string, id: string) =>
        (
          await fetch(`${server.url}/v1/orders`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              order_id: id,
              customer_id: 'c3',
              ordered_at: '2025-01-02T00:00:00Z',
              amount: 5,
              currency,
            }),
          })
        ).status
      if (status === 200) {
        expect(await second('EUR', 'o3')).toBe(422)
        expect(await second('JPY', 'o3')).toBe(200)
        return
      }
      // the profile says the currency its money is in (the live `loyals customer` prints it)
      const ok = await fetch(`${server.url}/v1/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          order_id: 'o2',
          customer_id: 'c2',
          ordered_at: '2025-01-02T00:00:00Z',
          amount: 50,
          currency: 'EUR',
        }),
      })
      expect(ok.status).toBe(200)
      const p = await fetch(`${server.url}/v1/customers/c2`, {
        headers: { authorization: `Bearer ${key}` },
      })
      expect(p.status).toBe(200)
      // EUR named by the file; without one, the orders' one currency when the server started
      // (none: the workspace was empty)
      expect(((await p.json()) as { currency: string | null }).currency).toBe(
        status === 422 ? 'EUR' : null,
      )
    } finally {
      await server.close()
    }
  })
})
