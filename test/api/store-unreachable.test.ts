// A PostgreSQL store that goes away while the server runs: requests answer 503 store_unavailable
// at once (they waited 30-50 s each, queued, for a 500 "store_error"), /health says
// "unavailable" with a 503 (it said "busy" with a 200 through the outage), and when the server is
// back the service answers again without a restart, nothing of the refused requests stored. The
// outage is a real one: the store is reached through a TCP relay to the test PostgreSQL server,
// closed and opened again on the same port.
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readJob } from '../../src/cli/commands/refit.ts'
import { RemoteServer } from '../../src/cli/remote.ts'
import { STORES, type StoreKind, type TestStore } from '../engines/stores.ts'
import { type relay, relayTo } from '../helpers/relay.ts'
import { count, type Harness, harness, orderEvent } from './harness.ts'

const AT = '2025-03-01T10:00:00Z'

/** /health's status once it says ok, or its last after ten seconds of asking. */
async function healthOk(h: Harness): Promise<string> {
  let status = ''
  for (let i = 0; i < 50 && status !== 'ok'; i++) {
    await new Promise((r) => setTimeout(r, 200))
    status = (await h.call('GET', '/health', { role: null })).json.status
  }
  return status
}

describe('a PostgreSQL store that cannot be reached', () => {
  let h: Harness
  let store: TestStore
  let link: ReturnType<typeof relay>
  beforeAll(async () => {
    store = await STORES[1]!.create()
    const through = await relayTo(store.location)
    link = through.link
    const kind: StoreKind = {
      name: 'postgres',
      create: async () => ({ location: through.url, cleanup: async () => {} }),
    }
    // keys trusted for 100 ms only: the outage below outlasts a key's verification
    h = await harness(kind, { keyTtlMs: 100 })
  })
  afterAll(async () => {
    await link.open()
    await h?.close()
    await link.close()
    await store?.cleanup()
  })

  it('is a 503 while it is away, and served again when it is back', async () => {
    const order = (id: string) => ({ body: orderEvent('c1', id, 10, AT, `m-${id}`) })
    expect((await h.call('POST', '/v1/events', order('o1'))).status).toBe(200)
    expect((await h.call('GET', '/health', { role: null })).json.status).toBe('ok')

    await link.close()
    const refused = await h.call('POST', '/v1/events', order('o2'))
    expect(refused.status).toBe(503)
    expect(refused.json.error.code).toBe('store_unavailable')
    expect(refused.json.error.message).toMatch(
      /^the store cannot be reached: PostgreSQL at .*; nothing of this request was stored/,
    )
    // the next ones are refused at once, not each after its own wait on the driver
    const again = await Promise.all(
      ['o3', 'o4', 'o5'].map((id) => h.call('POST', '/v1/events', order(id))),
    )
    expect(again.map((r) => r.status)).toEqual([503, 503, 503])
    const health = await h.call('GET', '/health', { role: null })
    expect(health.status).toBe(503)
    expect(health.json).toMatchObject({ status: 'unavailable', store: 'postgres' })
    expect(health.json.reason).toMatch(/^PostgreSQL at /)

    await link.open()
    expect(await healthOk(h)).toBe('ok')
    expect((await h.call('POST', '/v1/events', order('o6'))).status).toBe(200)
    expect(await count(h, "SELECT count(*) FROM orders WHERE customer_id = 'c1'")).toBe(2)
  }, 60_000)

  it('answers the reads from memory with a key verified before, however long ago', async () => {
    const body = orderEvent('k1', 'k1-o1', 250, AT, 'm-k1-o1')
    expect((await h.call('POST', '/v1/events', { body })).status).toBe(200)
    expect((await h.call('GET', '/v1/customers/k1', { role: 'service' })).status).toBe(200)
    // past the key's time of trust: it would be checked against the store again
    await new Promise((r) => setTimeout(r, 250))
    await link.close()
    try {
      const profile = await h.call('GET', '/v1/customers/k1', { role: 'service' })
      expect(profile.status).toBe(200)
      expect(profile.json.customerId).toBe('k1')
      expect((await h.call('GET', '/v1/service/level/k1', { role: 'service' })).status).toBe(200)
      const rank = await h.call('POST', '/v1/service/rank', {
        role: 'service',
        body: { queue: [{ customerId: 'k1', waitingSince: '2025-03-01T11:00:00Z' }] },
      })
      expect(rank.status).toBe(200)
      // a key never verified cannot be checked: the store is needed for it
      const key = h.keys.service
      const other = `${key.slice(0, -1)}${key.endsWith('a') ? 'b' : 'a'}`
      const unknown = await h.call('GET', '/v1/customers/k1', { token: other })
      expect(unknown.status).toBe(503)
      // and writes still wait for the store
      const write = orderEvent('k1', 'k1-o2', 5, AT, 'm-k1-o2')
      expect((await h.call('POST', '/v1/events', { body: write })).status).toBe(503)
    } finally {
      await link.open()
    }
    expect(await healthOk(h)).toBe('ok')
  }, 60_000)

  it('answers a refit asked for while the store is away with a 503, and goes on serving', async () => {
    await link.close()
    try {
      const r = await h.call('POST', '/v1/jobs/refit')
      expect(r.status).toBe(503)
      expect(r.json.error.code).toBe('store_unavailable')
      // the job row that was never written rejected a second promise nobody awaited: an
      // unhandled rejection, which ended the server (and fails this run)
      await new Promise((r) => setTimeout(r, 300))
      await h.jobs.idle()
    } finally {
      await link.open()
    }
    expect(await healthOk(h)).toBe('ok')
    const again = await h.call('POST', '/v1/jobs/refit')
    expect(again.status).toBe(202)
    await h.jobs.idle()
  }, 60_000)

  it('lets a refit cut off by the outage say it failed once the store is back', async () => {
    const { id } = await h.jobs.startRefit()
    // the refit's first statements are on their way: the connection goes from under them, and
    // the store answers again at once (the engine itself waits a second before it asks again)
    await link.close()
    await link.open()
    await h.jobs.idle()
    // past the engine's second of refusing
    await new Promise((r) => setTimeout(r, 1200))
    const job = await h.jobs.get(id)
    expect(job.status).toBe('failed')
    expect(job.message).toMatch(/^the store cannot be reached: PostgreSQL at /)
    expect(job.finishedAt).not.toBeNull()
    // and the next refit runs
    const next = await h.jobs.startRefit()
    await h.jobs.idle()
    expect((await h.jobs.get(next.id)).status).toBe('succeeded')
  }, 60_000)

  it('has `loyals refit` ask for its job again while the store is away, not give up', async () => {
    const { id } = await h.jobs.startRefit()
    await h.jobs.idle()
    const http = serve({ fetch: h.app.fetch, hostname: '127.0.0.1', port: 0 })
    await new Promise<void>((r) => http.once('listening', () => r()))
    try {
      const port = (http.address() as AddressInfo).port
      const remote = new RemoteServer(`http://127.0.0.1:${port}`, h.keys.admin)
      await link.close()
      // the API answers 503 store_unavailable meanwhile (the first case above)
      setTimeout(() => void link.open(), 1500)
      const job = await readJob(remote, `/v1/jobs/${id}`, id)
      expect(job).toMatchObject({ id, status: 'succeeded' })
    } finally {
      await link.open()
      await new Promise((r) => http.close(() => r(null)))
    }
  }, 60_000)
})
