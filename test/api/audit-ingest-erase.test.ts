// Audit findings on `loyals serve`: orders `loyals import` stored are the same orders when they
// arrive through the API (counted once, a clash under another customer), and a customer the
// workspace knows only from imported rows (a customers file, value inputs) can be read and erased.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forwardImport } from '../../src/cli/forward-import.ts'
import type { RemoteServer } from '../../src/cli/remote.ts'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { STORES } from '../engines/stores.ts'
import { tempDir } from '../helpers/cli.ts'
import { write } from '../import/helpers.ts'
import { count, type Harness, harness, orderEvent, waitJob } from './harness.ts'

const NOW = new Date('2025-03-01T12:00:00Z')
// cA and cB buy; the last row has no order id (its key stands in for one); cZ is only a customer
// record, cE only in the engagement events
const ORDERS = `order_id,customer_id,ordered_at,amount
o-1,cA,2024-01-10T10:00:00Z,30
o-2,cA,2024-02-10T10:00:00Z,20
o-3,cB,2024-03-01T09:30:00Z,50
o-4,cB,2024-05-01T09:30:00Z,15
,cB,2024-06-01T08:00:00Z,12.5
`
const CUSTOMERS = [
  ['cA', 'a@example.org', 'Ann A'],
  ['cB', 'b@example.org', 'Bo B'],
  ['cZ', 'zed.secret@example.org', 'Zed Secret'],
]

/** ORDERS imported into a DuckDB workspace of its own, as `loyals import` stores the file. */
async function importedOrders(prefix: string): Promise<Engine> {
  const dir = tempDir(prefix)
  const mem = await openWorkspace(join(dir, 'mem.duckdb'))
  await importFile(mem, write(dir, 'orders.csv', ORDERS), { kind: 'orders', now: NOW })
  return mem
}

/** The harness's server as `loyals import FILE --api-key` reaches it (forwardImport). */
const throughHarness = (h: Harness): RemoteServer =>
  ({
    url: 'test',
    async request(method: string, path: string, body?: unknown) {
      const res = await h.call(method, path, { body })
      if (res.status !== 200) throw new Error(`${res.status} ${res.text}`)
      return res.json
    },
  }) as unknown as RemoteServer

describe.each(STORES)('imported rows through the API on $name', (kind) => {
  let h: Harness
  let mem: Engine
  beforeAll(async () => {
    // the file as `loyals import` stores it (in a DuckDB workspace; copied row for row into the
    // store under test), and as `loyals import FILE --api-key` reads it again later
    mem = await importedOrders('loyals-audit-svc-')
    const cols = ['order_key', 'order_id', 'customer_id', 'ordered_at', 'order_date', 'amount']
    const rows = await mem.query(`SELECT ${cols.join(', ')}, source FROM orders ORDER BY order_key`)
    h = await harness(kind, { now: NOW.getTime() })
    for (const r of rows) {
      await h.engine.exec({
        sql: `INSERT INTO orders (${cols.join(', ')}, source)
          VALUES ($1, $2, $3, CAST($4 AS TIMESTAMP), CAST($5 AS DATE), $6, $7)`,
        params: [
          r.order_key,
          r.order_id,
          r.customer_id,
          String(r.ordered_at),
          String(r.order_date),
          Number(r.amount),
          r.source,
        ],
      })
    }
    for (const [id, email, name] of CUSTOMERS) {
      await h.engine.exec({
        sql: `INSERT INTO customers (customer_id, email, name, source)
          VALUES ($1, $2, $3, 'customers.csv')`,
        params: [id, email, name],
      })
    }
    await h.engine.exec(`INSERT INTO engagement_events (event_key, customer_id, occurred_at, event)
      VALUES ('ee-1', 'cE', TIMESTAMP '2024-04-01 00:00:00', 'email_open')`)
    const job = await h.call('POST', '/v1/jobs/refit')
    expect((await waitJob(h, job.json.jobId)).status).toBe('succeeded')
  })
  afterAll(async () => {
    await mem.close()
    await h.close()
  })

  const profile = async (id: string) => (await h.call('GET', `/v1/customers/${id}`)).json

  it('answers an imported order sent again by its customer as a duplicate and counts it once', async () => {
    expect(await profile('cA')).toMatchObject({ orders: 2, revenue: 50 })
    const direct = await h.call('POST', '/v1/orders', {
      body: { order_id: 'o-1', customer_id: 'cA', ordered_at: '2024-01-10T10:00:00Z', amount: 30 },
    })
    expect(direct.json).toEqual({ eventId: 'order:o-1', status: 'duplicate' })
    const batch = await h.call('POST', '/v1/events/batch', {
      body: {
        batch: [
          orderEvent('cA', 'o-2', 20, '2024-02-10T10:00:00Z', 'replay-o-2'),
          orderEvent('cA', 'n-1', 7, '2025-02-01T00:00:00Z', 'new-n-1'),
        ],
      },
    })
    expect(batch.json.results.map((r: { status: string }) => r.status)).toEqual([
      'duplicate',
      'stored',
    ])
    // other content under the imported id: the event is kept, the order still counts once
    const changed = await h.call('POST', '/v1/events', {
      body: orderEvent('cA', 'o-1', 31, '2024-01-10T10:00:00Z', 'changed-o-1'),
    })
    expect(changed.json.status).toBe('stored')
    expect(await profile('cA')).toMatchObject({ orders: 3, revenue: 57 })
    expect(await count(h, "SELECT count(*) FROM orders WHERE order_id IN ('o-1', 'o-2')")).toBe(2)
    expect(
      await count(h, "SELECT count(*) FROM events WHERE event_id IN ('order:o-1', 'replay-o-2')"),
    ).toBe(0)
  })

  it("refuses an imported order id under another customer's id, and the whole batch with it", async () => {
    const before = await count(h, 'SELECT count(*) FROM events')
    const direct = await h.call('POST', '/v1/orders', {
      body: { order_id: 'o-3', customer_id: 'cA', ordered_at: '2025-01-01T00:00:00Z', amount: 5 },
    })
    expect(direct.status).toBe(422)
    expect(direct.json.error.message).toMatch(/order o-3 belongs to customer cB, not cA/)
    const batch = await h.call('POST', '/v1/events/batch', {
      body: {
        batch: [
          orderEvent('cA', 'n-2', 9, '2025-02-02T00:00:00Z', 'new-n-2'),
          orderEvent('cA', 'o-4', 15, '2024-05-01T09:30:00Z', 'clash-o-4'),
        ],
      },
    })
    expect(batch.status).toBe(422)
    expect(await count(h, "SELECT count(*) FROM orders WHERE order_id = 'n-2'")).toBe(0)
    expect(await count(h, 'SELECT count(*) FROM events')).toBe(before)
    expect(await profile('cA')).toMatchObject({ orders: 3, revenue: 57 })
    expect(await profile('cB')).toMatchObject({ orders: 3, revenue: 77.5 })
  })

  it('stores nothing twice when the imported file is imported again through the server', async () => {
    const remote = throughHarness(h)
    const orders = 'SELECT count(*) FROM orders'
    const rows = await count(h, orders)
    const first = await forwardImport(mem, remote)
    // the identify calls of the file's customers are new to the server; no order is
    const identifies = await count(h, "SELECT count(*) FROM events WHERE kind = 'identify'")
    expect(first.stored).toBe(identifies)
    expect(first.duplicates).toBe(5)
    expect(await count(h, orders)).toBe(rows)
    expect(await profile('cB')).toMatchObject({ orders: 3, revenue: 77.5 })
    const again = await forwardImport(mem, remote)
    expect(again.stored).toBe(0)
  })

  it('reads and erases a customer known only from a customers file or engagement rows', async () => {
    const zed = await h.call('GET', '/v1/customers/cZ')
    expect(zed.status).toBe(200)
    expect(zed.json).toMatchObject({ customerId: 'cZ', email: 'zed.secret@example.org', orders: 0 })
    expect((await h.call('GET', '/v1/service/level/cE')).json.known).toBe(true)
    const del = await h.call('DELETE', '/v1/customers/cZ')
    expect(del.status).toBe(200)
    expect(del.json.pseudonym).toMatch(/^erased_[0-9a-f]{32}$/)
    const left = await h.store.use((e) => e.query('SELECT * FROM customers'))
    expect(JSON.stringify(left).toLowerCase()).not.toMatch(/zed|cz/)
    expect((await h.call('GET', '/v1/customers/cZ')).status).toBe(404)
    expect((await h.call('GET', '/v1/service/level/cZ')).json.known).toBe(false)
    const twice = await h.call('DELETE', '/v1/customers/cZ')
    expect(twice.status).toBe(200)
    expect(twice.json).toMatchObject({ alreadyErased: true, pseudonym: del.json.pseudonym })

    const e = await h.call('DELETE', '/v1/customers/cE')
    expect(e.status).toBe(200)
    expect(
      await h.store.use((x) =>
        // its key was hashed from the id: re-keyed too (erase-traces.test.ts)
        x.query("SELECT customer_id FROM engagement_events WHERE event = 'email_open'"),
      ),
    ).toEqual([{ customer_id: e.json.pseudonym }])
    const again = await h.call('DELETE', `/v1/customers/${e.json.pseudonym}`)
    expect(again.json.pseudonym).toBe(e.json.pseudonym)
    expect((await h.call('DELETE', '/v1/customers/nobody')).status).toBe(404)
  })

  it('erases again a customer who came back with the same traits after an erasure', async () => {
    const body = { customer_id: 'c-77', email: 'Jo.Back@example.com', name: 'Jo Back' }
    expect((await h.call('POST', '/v1/customers', { body })).status).toBe(200)
    const first = await h.call('DELETE', '/v1/customers/c-77')
    expect(first.status).toBe(200)
    expect((await h.call('POST', '/v1/customers', { body })).status).toBe(200)
    const second = await h.call('DELETE', '/v1/customers/c-77')
    expect(second.status).toBe(200)
    expect(second.json.pseudonym).toBe(first.json.pseudonym)
    expect((await h.call('GET', '/v1/customers/c-77')).status).toBe(404)
    const rows = await h.store.use(async (x) => [
      ...(await x.query('SELECT * FROM customers')),
      ...(await x.query('SELECT * FROM customer_profile')),
      ...(await x.query('SELECT event_id, customer_id, payload FROM events')),
    ])
    expect(JSON.stringify(rows).toLowerCase()).not.toMatch(/jo\.back|jo back|c-77/)
  })

  it('clears a name, email and sign-up sent as null, by identify and by POST /v1/customers', async () => {
    const get = async (id: string) => {
      const j = (await h.call('GET', `/v1/customers/${id}`)).json
      return [j.name, j.email, j.signupAt]
    }
    const traits = { name: 'Ann B', email: 'ann@x.com', createdAt: '2024-01-02T00:00:00Z' }
    const identify = (id: string, t: Record<string, unknown>, messageId: string) =>
      h.call('POST', '/v1/events', {
        body: { type: 'identify', messageId, userId: id, traits: t },
      })
    expect((await identify('nn1', traits, 'nn1-a')).status).toBe(200)
    expect(await get('nn1')).toEqual(['Ann B', 'ann@x.com', '2024-01-02T00:00:00.000Z'])
    expect((await identify('nn1', { name: null }, 'nn1-b')).status).toBe(200)
    expect(await get('nn1')).toEqual([null, 'ann@x.com', '2024-01-02T00:00:00.000Z'])
    const direct = (body: Record<string, unknown>) =>
      h.call('POST', '/v1/customers', { body: { customer_id: 'nn2', ...body } })
    expect(
      (await direct({ name: 'Bo', email: 'bo@x.com', signup_at: '2024-03-04T00:00:00Z' })).status,
    ).toBe(200)
    const cleared = await direct({ name: null, email: null, signup_at: null })
    expect(cleared.json.status).toBe('stored')
    expect(await get('nn2')).toEqual([null, null, null])
    expect((await direct({ name: null, email: null, signup_at: null })).json.status).toBe(
      'duplicate',
    )
  })

  it('a customer renamed back to an earlier name takes it; a retry stays a duplicate', async () => {
    const send = (name: string) =>
      h.call('POST', '/v1/customers', { body: { customer_id: 'pc1', name } })
    const status = async (name: string) => (await send(name)).json.status
    expect(await status('A')).toBe('stored')
    expect(await status('B')).toBe('stored')
    expect(await status('A')).toBe('stored')
    expect((await h.call('GET', '/v1/customers/pc1')).json.name).toBe('A')
    expect(await status('A')).toBe('duplicate')
    expect((await h.call('GET', '/v1/customers/pc1')).json.name).toBe('A')
    // a change retried (after a timeout): its first call's id had a revision, the retry's is a
    // duplicate all the same, and so is every retry after it
    const first = (await send('C')).json
    expect(first.status).toBe('stored')
    // and answers with the id its first call was stored under, so a client can match the two
    expect((await send('C')).json).toEqual({ eventId: first.eventId, status: 'duplicate' })
    expect((await send('C')).json).toEqual({ eventId: first.eventId, status: 'duplicate' })
    expect((await h.call('GET', '/v1/customers/pc1')).json.name).toBe('C')
    // a customer id with LIKE's wildcards matches itself only
    const odd = (id: string) =>
      h.call('POST', '/v1/customers', { body: { customer_id: id, name: 'Z' } })
    const a = (await odd('p_%1')).json
    const b = (await odd('pa%1')).json
    expect(a.status).toBe('stored')
    expect(b.status).toBe('stored')
    expect((await odd('p_%1')).json).toEqual({ eventId: a.eventId, status: 'duplicate' })
    // another customer whose id is this one's whole event id: its events are not this one's
    const q = (body: Record<string, string>) => h.call('POST', '/v1/customers', { body })
    const mine = (await q({ customer_id: 'q', email: 'a@x.com', name: 'A' })).json
    const base = String(mine.eventId).slice('customer:'.length)
    expect((await q({ customer_id: base, email: 'b@x.com', name: 'B' })).json.status).toBe('stored')
    expect((await q({ customer_id: 'q', email: 'a@x.com', name: 'A' })).json).toEqual({
      eventId: mine.eventId,
      status: 'duplicate',
    })
  })

  it('finds an email-spelled id typed in another case or with spaces on every route', async () => {
    const ev = await h.call('POST', '/v1/events', {
      body: orderEvent('Mia@Example.COM', 'o-mia', 80, '2025-02-20T10:00:00Z'),
    })
    expect(ev.status).toBeLessThan(300)
    const typed = encodeURIComponent(' MIA@example.com ')
    const level = await h.call('GET', `/v1/service/level/${typed}`)
    expect(level.json.known).toBe(true)
    const rank = await h.call('POST', '/v1/service/rank', {
      body: {
        now: '2025-03-01T12:00:00Z',
        queue: [{ customerId: 'Mia@example.com', waitingSince: '2025-03-01T11:00:00Z' }],
      },
    })
    expect(rank.status).toBe(200)
    expect(rank.json.queue[0].tier).not.toBeNull()
    const del = await h.call('DELETE', `/v1/customers/${typed}`)
    expect(del.status).toBe(200)
    expect(del.json.alreadyErased).toBe(false)
    expect((await h.call('GET', '/v1/customers/mia@example.com')).status).toBe(404)
    expect(await count(h, "SELECT count(*) FROM orders WHERE customer_id LIKE '%mia%'")).toBe(0)
  })
})

// The other way a file reaches the store: `loyals import FILE --api-key` (the only one into
// PostgreSQL) sends its rows as /v1/orders calls, so they are API orders and an order sent again
// with another amount is the API's 422, not the direct import's "kept as an event" (docs/api.md).
describe.each(STORES)('a file imported through the server on $name', (kind) => {
  let h: Harness
  let mem: Engine
  beforeAll(async () => {
    mem = await importedOrders('loyals-audit-fwd-')
    h = await harness(kind, { now: NOW.getTime() })
    const remote = throughHarness(h)
    const sent = await forwardImport(mem, remote)
    expect(sent.stored).toBeGreaterThanOrEqual(5)
  })
  afterAll(async () => {
    await mem.close()
    await h.close()
  })

  it('refuses its order sent again with another amount, and answers the same one as a duplicate', async () => {
    const before = await h.call('GET', '/v1/customers/cA')
    expect(before.json).toMatchObject({ orders: 2, revenue: 50 })
    const same = await h.call('POST', '/v1/orders', {
      body: { order_id: 'o-1', customer_id: 'cA', ordered_at: '2024-01-10T10:00:00Z', amount: 30 },
    })
    expect(same.json).toEqual({ eventId: 'order:o-1', status: 'duplicate' })
    const changed = await h.call('POST', '/v1/orders', {
      body: { order_id: 'o-1', customer_id: 'cA', ordered_at: '2024-01-10T10:00:00Z', amount: 31 },
    })
    expect(changed.status).toBe(422)
    expect(changed.json.error.details.differs).toEqual([{ field: 'amount', stored: 30, sent: 31 }])
    expect(await count(h, "SELECT count(*) FROM orders WHERE order_id = 'o-1'")).toBe(1)
    expect((await h.call('GET', '/v1/customers/cA')).json).toMatchObject({ orders: 2, revenue: 50 })
  })
})
