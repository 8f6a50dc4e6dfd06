// `loyals tick --now` without a server follows the server's rule for a time after the clock: the
// occasions due by then may fire early, but what is held for a real time keeps it. With the whole
// run's clock at --now, a message held for tonight's quiet hours and an onboarding step due in two
// days were released as of that made-up day.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { OpsConfigInput } from '../../src/core/ops/config.ts'
import { harness, identifyEvent, orderEvent } from '../api/harness.ts'
import type { StoreKind } from '../engines/stores.ts'
import { runCli, tempDir } from '../helpers/cli.ts'

describe('loyals tick --now after the clock, without a server', () => {
  it('keeps the held messages at their times', async () => {
    const dir = tempDir('loyals-tick-local-')
    const db = join(dir, 'w.duckdb')
    // the workspace outlives the harness: the CLI ticks it afterwards
    const kept: StoreKind = {
      name: 'duckdb',
      create: async () => ({ location: db, cleanup: async () => {} }),
    }
    const hour = new Date().getUTCHours()
    const ops: OpsConfigInput = {
      holdout: { defaultShare: 0 },
      // quiet for SMS from this hour for two hours: the welcome SMS is held until then
      contactBudget: {
        quietHours: { startHour: hour, endHour: (hour + 2) % 24, channels: ['sms'] },
      },
      playbooks: [
        {
          id: 'welcome-sms',
          department: 'marketing',
          trigger: { type: 'first_order' },
          actions: [
            { type: 'webhook', url: 'http://127.0.0.1:9/hook', channel: 'sms', template: 'w' },
          ],
        },
        {
          id: 'onboard',
          department: 'marketing',
          trigger: { type: 'onboarding', steps: [{ delayDays: 2 }] },
          actions: [
            { type: 'webhook', url: 'http://127.0.0.1:9/hook', channel: 'email', template: 'o' },
          ],
        },
      ],
    }
    const opsPath = join(dir, 'ops.json')
    writeFileSync(opsPath, JSON.stringify(ops))
    const held = async () => {
      const h = await harness(kept, { ops, now: Date.now() })
      try {
        return (await h.call('GET', '/v1/actions?limit=100')).json.actions
          .map((a: { actionKey: string; status: string; scheduledAt: string }) => ({
            key: a.actionKey,
            status: a.status,
            at: a.scheduledAt,
          }))
          .sort((a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key))
      } finally {
        await h.close()
      }
    }
    const h = await harness(kept, { ops, now: Date.now() })
    try {
      // with an email, where the onboarding step goes
      const batch = [
        identifyEvent('c1'),
        orderEvent('c1', 'c1-1', 50, new Date(Date.now() - 60_000).toISOString()),
      ]
      expect((await h.call('POST', '/v1/events/batch', { body: { batch } })).status).toBe(200)
    } finally {
      await h.close()
    }
    const before = await held()
    expect(before.map((a: { status: string }) => a.status)).toEqual(['deferred', 'deferred'])
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString()
    const r = runCli(['tick', '--db', db, '--config', opsPath, '--now', future, '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).released).toEqual({
      queued: 0,
      tasks: 0,
      deferred: 0,
      suppressed: 0,
    })
    expect(await held()).toEqual(before)
  }, 60_000)
})
