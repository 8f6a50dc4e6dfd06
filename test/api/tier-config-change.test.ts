// A server restarted with other tiers (one removed): the profiles stored were scored with the old
// tiers' indexes. Ranking them answered 400 "no tier with index 2" (the server's own state made a
// valid request a client error), the profile still said Gold, and ?tier=Silver was empty until a
// refit was asked for. Tiers are matched by name (docs/value.md) and the server re-scores at start.
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/api/app.ts'
import { KeyCache } from '../../src/api/auth.ts'
import { startServer } from '../../src/api/server.ts'
import { parseOpsConfig } from '../../src/core/ops/config.ts'
import { parseValueConfig } from '../../src/core/value/config.ts'
import { Ingestor } from '../../src/service/ops/ingest.ts'
import { JobRunner } from '../../src/service/ops/jobs.ts'
import { createApiKey } from '../../src/service/ops/keys.ts'
import { OpsStore } from '../../src/service/ops/store.ts'
import { STORES } from '../engines/stores.ts'
import { tempDir } from '../helpers/cli.ts'
import { harness, orderEvent, waitJob } from './harness.ts'

const level = (name: string, priority: number, minValue?: number) => ({
  name,
  ...(minValue === undefined ? {} : { minValue }),
  serviceLevel: { priority, responseTargetMinutes: 60 * priority },
})
const V1 = {
  tiers: {
    basis: 'threshold' as const,
    levels: [level('Gold', 1, 1000), level('Silver', 2, 500), level('Bronze', 3)],
  },
}
const V2 = {
  tiers: { basis: 'threshold' as const, levels: [level('Silver', 2, 500), level('Bronze', 3)] },
}

const RANK = {
  now: '2025-03-01T12:00:00Z',
  queue: [
    { customerId: 'G', waitingSince: '2025-03-01T11:00:00Z' },
    { customerId: 'S', waitingSince: '2025-03-01T11:00:00Z' },
  ],
}

describe.each(STORES)('profiles scored with other tiers ($name)', (kind) => {
  it('keep their tier by name until re-scored: ranking, profile and list agree', async () => {
    const h = await harness(kind, { value: V1 })
    try {
      for (const [c, id, total, at] of [
        ['G', 'g1', 1200, '2025-01-01T10:00:00Z'],
        ['G', 'g2', 1, '2025-01-05T10:00:00Z'],
        ['S', 's1', 100, '2025-01-01T10:00:00Z'],
        ['S', 's2', 100, '2025-01-03T10:00:00Z'],
      ] as const) {
        expect(
          (await h.call('POST', '/v1/events', { body: orderEvent(c, id, total, at) })).status,
        ).toBe(200)
      }
      const start = await h.call('POST', '/v1/jobs/refit', { role: 'analyst' })
      expect((await waitJob(h, start.json.jobId)).status).toBe('succeeded')
      expect((await h.call('GET', '/v1/customers/G')).json.tier).toEqual({ index: 0, name: 'Gold' })
      expect(h.store.tiersChanged).toBe(false)
      const sTier: string = (await h.call('GET', '/v1/customers/S')).json.tier.name
      expect(['Silver', 'Bronze']).toContain(sTier)

      // the same workspace served with Gold removed, before any refit
      const store = new OpsStore(h.engine, {
        ops: parseOpsConfig({}),
        value: parseValueConfig(V2),
        now: () => h.clock.now,
      })
      await store.loadModel()
      expect(store.tiersChanged).toBe(true)
      const app = createApp({
        store,
        ingestor: new Ingestor(store),
        jobs: new JobRunner(store),
        keys: new KeyCache(store),
        version: 'test',
      })
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await app.request(path, {
          method,
          headers: { authorization: `Bearer ${h.keys.admin}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        })
        // biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field
        return { status: res.status, json: (await res.json()) as any }
      }
      const rank = await call('POST', '/v1/service/rank', RANK)
      expect(rank.status).toBe(200)
      expect(
        rank.json.queue.map((q: { customerId: string; tierName: string }) => [
          q.customerId,
          q.tierName,
        ]),
      ).toEqual([
        ['G', 'Silver'],
        ['S', sTier],
      ])
      const g = (await call('GET', '/v1/customers/G')).json
      expect(g.tier).toEqual({ index: 0, name: 'Silver' })
      expect(JSON.stringify(g.reasons)).not.toContain('Gold')
      // S kept its tier by name, at its index among the new tiers
      expect((await call('GET', '/v1/customers/S')).json.tier).toEqual({
        index: sTier === 'Silver' ? 0 : 1,
        name: sTier,
      })
    } finally {
      await h.close()
    }
  })
})

describe('loyals serve started with other tiers re-scores the stored profiles', () => {
  const dir = tempDir('loyals-tiers-')
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('G, Gold under the first tiers, is listed in Silver once Gold is gone', async () => {
    const db = join(dir, 'w.duckdb')
    const serveWith = (value: unknown) => {
      const valueConfigPath = join(dir, `${Math.random()}.json`)
      return import('node:fs').then(({ writeFileSync }) => {
        writeFileSync(valueConfigPath, JSON.stringify(value))
        return startServer({
          db,
          port: 0,
          host: '127.0.0.1',
          valueConfigPath,
          tickEveryMs: null,
          version: 'test',
        })
      })
    }
    let server = await serveWith(V1)
    let key: string
    try {
      key = (await server.store.use((e) => createApiKey(e, 'admin', 'a'))).key
      for (const [c, id, amount, at] of [
        ['G', 'g1', 1200, '2025-01-01T10:00:00Z'],
        ['G', 'g2', 1, '2025-01-05T10:00:00Z'],
        ['S', 's1', 100, '2025-01-01T10:00:00Z'],
      ] as const) {
        const res = await fetch(`${server.url}/v1/orders`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ order_id: id, customer_id: c, ordered_at: at, amount }),
        })
        expect(res.status).toBe(200)
      }
      const start = await fetch(`${server.url}/v1/jobs/refit`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}` },
      })
      expect(start.status).toBe(202)
      await server.store.serial.run(async () => {})
    } finally {
      await server.close()
    }
    server = await serveWith(V2)
    try {
      const get = async (path: string) =>
        (await (
          await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${key}` } })
        ).json()) as { customers?: { customerId: string }[] }
      let listed: string[] = []
      for (let i = 0; i < 100 && !listed.includes('G'); i++) {
        await new Promise((r) => setTimeout(r, 50))
        listed = ((await get('/v1/customers?tier=Silver')).customers ?? []).map((c) => c.customerId)
      }
      expect(listed).toEqual(['G'])
    } finally {
      await server.close()
    }
  })
})
