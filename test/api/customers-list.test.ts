// GET /v1/customers lists every customer GET /v1/customers/{id} knows, once and with the same
// figures: those imported from a customers file (or known only from value inputs) without an
// order used to be left out of the list (282 of 300 imported customers listed) while the lookup
// answered them. They have no tier and no segment: listed unfiltered, not under a tier filter.
// A customer whose imported orders no refit has scored yet is unknown to both until it has.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, orderEvent, VIP_OR_REGULAR, waitJob } from './harness.ts'

const NOW = Date.parse('2025-03-01T12:00:00Z')

describe.each(STORES)('the customer list on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind, { now: NOW, value: VIP_OR_REGULAR })
    // as `loyals import customers.csv --kind customers` stores them: a1 and c3 never order
    for (const [id, email, name] of [
      ['a1', 'a1@example.org', 'Ann One'],
      ['b2', 'b2@example.org', 'Bo Two'],
      ['c3', 'c3@example.org', 'Cy Three'],
    ]) {
      await h.engine.exec({
        sql: `INSERT INTO customers (customer_id, email, name, signup_at, source)
          VALUES ($1, $2, $3, TIMESTAMP '2024-05-01 10:00:00', 'customers.csv')`,
        params: [id, email, name],
      })
    }
    // known from an imported engagement event only; d4's imported order is not scored yet
    await h.engine.exec(`INSERT INTO engagement_events (event_key, customer_id, occurred_at, event)
      VALUES ('ee-1', 'c5', TIMESTAMP '2024-04-01 00:00:00', 'email_open')`)
    await h.engine.exec(`INSERT INTO orders (order_key, order_id, customer_id, ordered_at, order_date, amount, source)
      VALUES ('d4-1', 'd4-1', 'd4', TIMESTAMP '2024-06-01 10:00:00', DATE '2024-06-01', 25, 'orders.csv')`)
    const at = new Date(NOW - 3_600_000).toISOString()
    expect(
      (await h.call('POST', '/v1/events', { body: orderEvent('b2', 'b2-1', 900, at) })).status,
    ).toBe(200)
    expect(
      (await h.call('POST', '/v1/events', { body: orderEvent('e6', 'e6-1', 40, at) })).status,
    ).toBe(200)
    const identify = { type: 'identify', messageId: 'f7-1', userId: 'f7', traits: { name: 'F' } }
    expect((await h.call('POST', '/v1/events', { body: identify })).status).toBe(200)
  })
  afterAll(() => h?.close())

  /** Every page of `query`, two customers a page. */
  const walk = async (query = '') => {
    // biome-ignore lint/suspicious/noExplicitAny: profiles are compared whole
    const all: any[] = []
    let cursor: string | null = null
    do {
      const page = await h.call(
        'GET',
        `/v1/customers?limit=2${query}${cursor ? `&cursor=${cursor}` : ''}`,
      )
      expect(page.status).toBe(200)
      all.push(...page.json.customers)
      cursor = page.json.nextCursor
    } while (cursor)
    return all
  }

  it('lists every customer the lookup knows, once, in id order, with the same figures', async () => {
    const listed = await walk()
    expect(listed.map((c) => c.customerId)).toEqual(['a1', 'b2', 'c3', 'c5', 'e6', 'f7'])
    for (const c of listed) {
      expect((await h.call('GET', `/v1/customers/${c.customerId}`)).json).toEqual(c)
    }
    expect(listed[0]).toMatchObject({
      email: 'a1@example.org',
      name: 'Ann One',
      orders: 0,
      tier: null,
    })
    expect((await h.call('GET', '/v1/customers/d4')).status).toBe(404)
  })

  it('shows a customer without orders the same from call to call, as the lookup does', async () => {
    // the list scored them afresh at every call: scoredAt and updatedAt moved with the clock,
    // and disagreed with the lookup's
    const first = (await walk()).find((c) => c.customerId === 'c3')
    h.clock.now = NOW + 5 * 60_000
    const lookup = (await h.call('GET', '/v1/customers/c3')).json
    h.clock.now = NOW + 9 * 60_000
    const again = (await walk()).find((c) => c.customerId === 'c3')
    h.clock.now = NOW
    expect(again).toEqual(first)
    expect(lookup).toEqual(first)
  })

  it('lists customers without orders under no tier or segment, before and after a refit', async () => {
    expect((await walk('&tier=VIP')).map((c) => c.customerId)).toEqual(['b2'])
    expect((await walk('&tier=Regular')).map((c) => c.customerId)).toEqual(['e6'])
    const job = await h.call('POST', '/v1/jobs/refit')
    expect((await waitJob(h, job.json.jobId)).status).toBe('succeeded')
    const listed = await walk()
    expect(listed.map((c) => c.customerId)).toEqual(['a1', 'b2', 'c3', 'c5', 'd4', 'e6', 'f7'])
    for (const c of listed) {
      expect((await h.call('GET', `/v1/customers/${c.customerId}`)).json).toEqual(c)
    }
    const segment = listed[1].segment
    expect(segment).toEqual(expect.any(String))
    const inSegment = (await walk(`&segment=${encodeURIComponent(segment)}`)).map(
      (c) => c.customerId,
    )
    expect(inSegment).toContain('b2')
    expect(inSegment).not.toContain('a1')
  })

  it("pages past a long imported id: its page's cursor is taken back", async () => {
    // an import sets no length on ids; the cursor after one of 600 characters was refused (400)
    const long = `z${'x'.repeat(599)}`
    await h.engine.exec({
      sql: `INSERT INTO customers (customer_id, name, source) VALUES ($1, 'Long', 'customers.csv'), ('zz', 'After', 'customers.csv')`,
      params: [long],
    })
    const ids = (await walk()).map((c) => c.customerId)
    expect(ids.slice(-2)).toEqual([long, 'zz'])
  })
})
