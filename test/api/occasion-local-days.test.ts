// Anniversaries and "no order since" name the date the customer placed the order on, in the time
// zone it was imported with (as summary and `loyals customer` show it), not the UTC date of its
// instant: a Sydney morning order is the day before in UTC, a New York evening one the day after.
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { runCli, tempDir } from '../helpers/cli.ts'

const hook = 'http://127.0.0.1:9/m'
const OPS = {
  holdout: { defaultShare: 0 },
  contactBudget: { overall: [{ days: 1, max: 10 }], quietHours: null },
  playbooks: [
    {
      id: 'anniv',
      department: 'recognition',
      trigger: { type: 'anniversary', windowDays: 7 },
      actions: [{ type: 'webhook', url: hook, channel: 'email', template: 'anniv' }],
    },
    {
      id: 'miss',
      department: 'marketing',
      trigger: { type: 'no_order_for', days: 30 },
      actions: [{ type: 'webhook', url: hook, channel: 'email', template: 'miss' }],
    },
  ],
}

describe('occasions on the local order date', () => {
  const dir = tempDir('loyals-occasion-days-')
  const db = join(dir, 'w.duckdb')
  const config = join(dir, 'ops.json')
  const tick = (now: string) => {
    const r = runCli(['tick', '--db', db, '--config', config, '--now', now])
    expect(r.code, r.stderr).toBe(0)
  }
  // each action's key and the reason its message carries (the payload is kept when the message
  // is held back, as these are: the customers have no email address)
  const actions = async (): Promise<{ key: string; reason: string }[]> => {
    const e: Engine = await openWorkspace(db)
    try {
      const rows = await e.query<{ key: string; payload: string }>(
        'SELECT action_key AS key, payload FROM actions_log ORDER BY action_key',
      )
      return rows.map((r) => ({ key: r.key, reason: JSON.parse(r.payload).reason }))
    } finally {
      await e.close()
    }
  }
  beforeAll(() => {
    writeFileSync(config, JSON.stringify(OPS))
    const syd = join(dir, 'syd.csv')
    writeFileSync(syd, 'order_id,customer_id,ordered_at,amount\no2,SYD,2025-03-10 08:00:00,40\n')
    const nyc = join(dir, 'nyc.csv')
    writeFileSync(nyc, 'order_id,customer_id,ordered_at,amount\no4,NYC,2025-10-25 21:00:00,20\n')
    for (const [file, tz] of [
      [syd, 'Australia/Sydney'],
      [nyc, 'America/New_York'],
    ] as const) {
      const r = runCli(['import', file, '--db', db, '--tz', tz])
      expect(r.code, r.stderr).toBe(0)
    }
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test("no anniversary on the UTC date of a Sydney morning's first order; one on its own date", async () => {
    tick('2026-03-09T12:00:00Z')
    expect((await actions()).filter((a) => a.key.startsWith('anniv:'))).toEqual([])
    tick('2026-03-10T01:00:00Z')
    const anniv = (await actions()).filter((a) => a.key.startsWith('anniv:'))
    expect(anniv.map((a) => a.reason)).toEqual(['1 year since the first purchase on 2025-03-10'])
  })

  test('"no order since" names the New York evening order by its own date', async () => {
    tick('2025-11-25T02:00:00Z')
    const miss = (await actions()).filter((a) => a.key.startsWith('miss:NYC:'))
    expect(miss.map((a) => a.key.split(':')[2])).toEqual(['no-order-since-2025-10-25'])
    expect(miss[0]?.reason).toContain('(since 2025-10-25)')
  })
})
