// Occasions of the time-based triggers on both stores: an occasion is named by its key, so an
// order reported late ends the occasion it belongs to and the next one still fires; and a deferred
// action is released only while its playbook is still enabled and its occasion still holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseOpsConfig } from '../../src/core/ops/config.ts'
import { parseValueConfig } from '../../src/core/value/config.ts'
import { runTick } from '../../src/service/ops/scheduler.ts'
import { OpsStore } from '../../src/service/ops/store.ts'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, identifyEvent, orderEvent, VIP_OR_REGULAR } from './harness.ts'

const hook = 'http://127.0.0.1:9/hook'

// biome-ignore lint/suspicious/noExplicitAny: audit-log rows are checked field by field
async function action(h: Harness, key: string): Promise<any> {
  const res = await h.call('GET', '/v1/actions?limit=1000')
  expect(res.status).toBe(200)
  return res.json.actions.find((a: { actionKey: string }) => a.actionKey === key)
}

async function keys(h: Harness): Promise<string[]> {
  const res = await h.call('GET', '/v1/actions?limit=1000')
  expect(res.status).toBe(200)
  return res.json.actions.map((a: { actionKey: string }) => a.actionKey).sort()
}

async function tick(h: Harness, at: string) {
  const res = await h.call('POST', '/v1/jobs/tick', { body: { now: at } })
  expect(res.status).toBe(200)
  return res.json
}

async function order(h: Harness, customer: string, id: string, amount: number, at: string) {
  const res = await h.call('POST', '/v1/events/batch', {
    body: { batch: [orderEvent(customer, id, amount, at)] },
  })
  expect(res.status).toBe(200)
}

describe.each(STORES)('occasions on $name', (kind) => {
  describe('an order reported after a nudge but placed before it', () => {
    let h: Harness
    beforeAll(async () => {
      h = await harness(kind, {
        now: Date.parse('2026-11-10T01:00:00Z'),
        value: VIP_OR_REGULAR,
        ops: {
          holdout: { defaultShare: 0 },
          contactBudget: { overall: [{ days: 1, max: 10 }], quietHours: null },
          playbooks: [
            {
              id: 'lapse10',
              department: 'marketing',
              trigger: { type: 'no_order_for', days: 10 },
              actions: [{ type: 'webhook', url: hook, channel: 'email', template: 'miss-you' }],
            },
            {
              id: 'due',
              department: 'marketing',
              trigger: { type: 'next_purchase_due', toleranceDays: 1 },
              actions: [{ type: 'webhook', url: hook, channel: 'email', template: 'running-low' }],
            },
            {
              id: 'risk',
              department: 'service',
              trigger: { type: 'best_at_risk', gapMultiple: 1 },
              actions: [{ type: 'webhook', url: hook, channel: 'email', template: 'vip' }],
            },
          ],
        },
      })
      // a VIP every 9 days
      await order(h, 'y1', 'Y1-1', 300, '2026-11-01T00:00:00Z')
      await order(h, 'y1', 'Y1-2', 300, '2026-11-10T00:00:00Z')
    })
    afterAll(async () => {
      await h.close()
    })

    it('fires the next occasion of each trigger when it is due', async () => {
      h.clock.now = Date.parse('2026-11-20T09:00:00Z')
      expect((await tick(h, '2026-11-20T09:00:00Z')).actions).toBe(3)
      expect(await keys(h)).toEqual([
        'due:y1:due-2026-11-19:a0',
        'lapse10:y1:no-order-since-2026-11-10:a0',
        'risk:y1:at-risk-2026-11-10:a0',
      ])
      // placed an hour before the nudges, reported after them: the last order is now Nov 20,
      // the usual gap 9.5 days (purchase days Nov 1, 10 and 20), the next purchase due Nov 29
      // 12:00
      h.clock.now = Date.parse('2026-11-20T10:00:00Z')
      await order(h, 'y1', 'Y1-3', 300, '2026-11-20T08:00:00Z')
      const report = await tick(h, '2026-12-01T01:00:00Z')
      expect(report.actions).toBe(3)
      expect(await keys(h)).toEqual([
        'due:y1:due-2026-11-19:a0',
        'due:y1:due-2026-11-29:a0',
        'lapse10:y1:no-order-since-2026-11-10:a0',
        'lapse10:y1:no-order-since-2026-11-20:a0',
        'risk:y1:at-risk-2026-11-10:a0',
        'risk:y1:at-risk-2026-11-20:a0',
      ])
      // each occasion once: the next tick proposes nobody
      const again = await tick(h, '2026-12-01T02:00:00Z')
      expect(again.actions).toBe(0)
      expect(again.playbooks.map((p: { candidates: number }) => p.candidates)).toEqual([0, 0, 0])
    })
  })

  describe('a deferred action whose occasion ended before its release', () => {
    let h: Harness
    beforeAll(async () => {
      h = await harness(kind, {
        now: Date.parse('2026-11-20T00:00:00Z'),
        ops: {
          holdout: { defaultShare: 0 },
          contactBudget: {
            quietHours: { startHour: 21, endHour: 8, channels: ['sms'] },
            defaultTimeZone: 'Asia/Tokyo',
          },
          playbooks: [
            {
              id: 'miss-you',
              department: 'marketing',
              trigger: { type: 'no_order_for', days: 10 },
              actions: [{ type: 'webhook', url: hook, channel: 'sms', template: 'we-miss-you' }],
            },
          ],
        },
      })
      await order(h, 'm1', 'M1-1', 20, '2026-11-20T00:00:00Z')
      await order(h, 'm2', 'M2-1', 20, '2026-11-20T00:00:00Z')
    })
    afterAll(async () => {
      await h.close()
    })

    it('is suppressed as no longer applying when the customer ordered since; the others go', async () => {
      // 05:00 in Tokyo: both held until 08:00 there (23:00 UTC)
      h.clock.now = Date.parse('2026-12-01T20:00:00Z')
      expect((await tick(h, '2026-12-01T20:00:00Z')).actions).toBe(2)
      const held = await action(h, 'miss-you:m1:no-order-since-2026-11-20:a0')
      expect([held.status, held.reason]).toEqual(['deferred', 'quiet_hours'])
      h.clock.now = Date.parse('2026-12-01T20:10:00Z')
      await order(h, 'm1', 'M1-2', 20, '2026-12-01T20:10:00Z')
      h.clock.now = Date.parse('2026-12-01T23:00:01Z')
      const report = await tick(h, '2026-12-01T23:00:01Z')
      expect(report.released).toEqual({ queued: 1, tasks: 0, deferred: 0, suppressed: 1 })
      const m1 = await action(h, 'miss-you:m1:no-order-since-2026-11-20:a0')
      expect([m1.status, m1.reason]).toEqual(['suppressed', 'no_longer_applies'])
      expect(m1.detail).toMatch(
        /^at release 2026-12-01T23:00:01.000Z: no_order_for no longer holds/,
      )
      const m2 = await action(h, 'miss-you:m2:no-order-since-2026-11-20:a0')
      expect(m2.status).toBe('queued')
    })
  })

  describe('a deferred action of a playbook disabled or removed before its release', () => {
    let h: Harness
    const onboard = (enabled: boolean, id = 'onboard') => ({
      id,
      enabled,
      department: 'marketing' as const,
      trigger: { type: 'onboarding' as const, steps: [{ delayDays: 0 }, { delayDays: 2 }] },
      actions: [
        { type: 'webhook' as const, url: hook, channel: 'email' as const, template: 'onb' },
      ],
    })
    beforeAll(async () => {
      h = await harness(kind, {
        now: Date.parse('2026-12-01T10:00:00Z'),
        ops: {
          holdout: { defaultShare: 0 },
          contactBudget: { quietHours: null },
          playbooks: [onboard(true), onboard(true, 'onboard-2')],
        },
      })
      // with an email, so the steps are held for their time (not suppressed as no_email)
      expect((await h.call('POST', '/v1/events', { body: identifyEvent('d1') })).status).toBe(200)
      await order(h, 'd1', 'D1-1', 20, '2026-12-01T10:00:00Z')
    })
    afterAll(async () => {
      await h.close()
    })

    it('is suppressed as playbook_disabled, with why', async () => {
      const step2 = 'onboard:d1:onboarding-step-2:a0'
      expect((await action(h, step2)).status).toBe('deferred')
      expect((await action(h, 'onboard-2:d1:onboarding-step-2:a0')).status).toBe('deferred')
      // a restart with "onboard" disabled and "onboard-2" removed
      const restarted = new OpsStore(h.engine, {
        ops: parseOpsConfig({ holdout: { defaultShare: 0 }, playbooks: [onboard(false)] }),
        value: parseValueConfig({}),
        now: () => h.clock.now,
      })
      h.clock.now = Date.parse('2026-12-04T00:00:00Z')
      const report = await runTick(restarted, h.clock.now)
      expect(report.released).toEqual({ queued: 0, tasks: 0, deferred: 0, suppressed: 2 })
      const disabled = await action(h, step2)
      expect([disabled.status, disabled.reason, disabled.detail]).toEqual([
        'suppressed',
        'playbook_disabled',
        'at release 2026-12-04T00:00:00.000Z: its playbook is disabled',
      ])
      const removed = await action(h, 'onboard-2:d1:onboarding-step-2:a0')
      expect([removed.status, removed.reason, removed.detail]).toEqual([
        'suppressed',
        'playbook_disabled',
        'at release 2026-12-04T00:00:00.000Z: its playbook is no longer configured',
      ])
    })
  })
})
