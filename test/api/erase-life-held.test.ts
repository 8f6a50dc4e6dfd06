// A customer back under their id after an erasure has playbook keys of their own (a tag of the new
// life beside the id), and everything that reads keys reads theirs: a time-triggered action held
// for quiet hours is released, not dropped as "no longer applies" (the check recomputed the key
// without the tag), and an onboarding sequence's steps still wait for each other. The tag says
// nothing of the erasure (it carried the erasure's time, which webhook receivers saw).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sequenceOf } from '../../src/core/ops/playbooks.ts'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, orderEvent } from './harness.ts'

const hook = 'http://127.0.0.1:9/hook'

describe.each(STORES)('a customer back after an erasure on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind, {
      now: Date.parse('2026-12-01T12:00:00Z'),
      ops: {
        holdout: { defaultShare: 0 },
        contactBudget: {
          overall: [],
          channels: {},
          quietHours: { startHour: 21, endHour: 8, channels: ['sms'] },
        },
        playbooks: [
          {
            id: 'miss-you',
            department: 'marketing',
            trigger: { type: 'no_order_for', days: 10 },
            actions: [{ type: 'webhook', url: hook, channel: 'sms', template: 'miss-you' }],
          },
        ],
      },
    })
  })
  afterAll(() => h?.close())

  const keysOf = async (id: string) =>
    (
      await h.store.use((e) =>
        e.query({
          sql: 'SELECT action_key, status, reason FROM actions_log WHERE customer_id = $1 ORDER BY action_key',
          params: [id],
        }),
      )
    ).map((r) => ({ key: String(r.action_key), status: r.status, reason: r.reason }))

  it('releases a held time-triggered action of the new life, under a key that tells nothing', async () => {
    const order = (id: string, orderId: string, at: string) =>
      h.call('POST', '/v1/events', { body: orderEvent(id, orderId, 20, at) })
    expect((await order('m1', 'm1-a', '2026-11-01T10:00:00Z')).status).toBe(200)
    expect((await h.call('DELETE', '/v1/customers/m1')).status).toBe(200)
    expect((await order('m1', 'm1-b', '2026-11-15T10:00:00Z')).status).toBe(200)
    expect((await order('m2', 'm2-a', '2026-11-15T10:00:00Z')).status).toBe(200)
    // 22:00 UTC: in quiet hours, both held; 09:00 the next day: both released
    h.clock.now = Date.parse('2026-12-01T22:00:00Z')
    const held = await h.call('POST', '/v1/jobs/tick', {})
    expect(held.status).toBe(200)
    const [life] = await keysOf('m1')
    expect(life?.status).toBe('deferred')
    expect(life?.key).toMatch(/^miss-you:m1@L[0-9a-f]{12}:no-order-since-[\d-]+:a0$/)
    expect(life?.key).not.toMatch(/1[0-9]{12}/) // no time in it
    h.clock.now = Date.parse('2026-12-02T09:00:00Z')
    await h.call('POST', '/v1/jobs/tick', {})
    expect((await keysOf('m1')).map((r) => r.status)).toEqual(['queued'])
    expect((await keysOf('m2')).map((r) => r.status)).toEqual(['queued'])
  })
})

describe('an onboarding step of a life after an erasure', () => {
  it('is read as its sequence step, the sequence being of that life', () => {
    expect(sequenceOf('onb:c1@L0123456789ab:onboarding-step-2:a0')).toEqual({
      id: 'onb:c1@L0123456789ab:a0',
      step: 2,
    })
  })
})
