// The contact budget on the server, on both stores: a message waiting for its retry still counts
// against the caps (it will go out), so the messages decided meanwhile cannot take its slot; and
// the actions of one customer's events in a batch, milestones among them, are budgeted in one pass
// in priority order (service before recognition before marketing).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, identifyEvent, orderEvent } from './harness.ts'

const NOW = Date.parse('2025-03-01T12:00:00Z')
const iso = (ms: number) => new Date(ms).toISOString()
const webhook = (url: string, channel: 'email' | 'sms' | 'push', template: string) => ({
  type: 'webhook' as const,
  url,
  channel,
  template,
})

describe.each(STORES)('the contact budget on $name', (kind) => {
  let h: Harness
  const attempts = new Map<string, number>()
  beforeAll(async () => {
    h = await harness(kind, {
      now: NOW,
      // a flaky receiver fails a message's first attempt; the others deliver at once
      fetch: async (url, init) => {
        const key = String((init.headers as Record<string, string>)['idempotency-key'])
        attempts.set(key, (attempts.get(key) ?? 0) + 1)
        const failed = url.endsWith('/flaky') && attempts.get(key) === 1
        return failed ? { ok: false, status: 500 } : { ok: true, status: 200 }
      },
      ops: {
        holdout: { defaultShare: 0 },
        contactBudget: { quietHours: null, overall: [{ days: 7, max: 2 }] },
        playbooks: [
          {
            id: 'thanks-review',
            department: 'recognition',
            trigger: { type: 'review_posted' },
            actions: [webhook('http://127.0.0.1:9/flaky', 'push', 'thanks-review')],
          },
          {
            id: 'thanks-referral',
            department: 'recognition',
            trigger: { type: 'referral_made' },
            actions: [webhook('http://127.0.0.1:9/referral', 'email', 'thanks-referral')],
          },
          {
            id: 'milestones',
            department: 'recognition',
            trigger: { type: 'milestone', orderCounts: [3] },
            actions: [webhook('http://127.0.0.1:9/milestone', 'sms', 'milestone')],
          },
          {
            id: 'welcome',
            department: 'marketing',
            trigger: { type: 'first_order' },
            actions: [webhook('http://127.0.0.1:9/welcome', 'email', 'welcome')],
          },
        ],
      },
    })
  })
  afterAll(() => h?.close())

  const send = async (body: object) =>
    expect((await h.call('POST', '/v1/events', { body })).status).toBe(200)
  const referral = (userId: string, at: string) =>
    send({
      type: 'track',
      event: 'Referral Completed',
      messageId: `rf-${userId}`,
      userId,
      timestamp: at,
      properties: { referred_id: `${userId}-friend` },
    })
  const statuses = async (customer: string) =>
    Object.fromEntries(
      (await h.call('GET', `/v1/actions?customer=${customer}`)).json.actions.map(
        (a: { playbookId: string; status: string; reason: string | null }) => [
          a.playbookId,
          [a.status, a.reason],
        ],
      ),
    )

  it('counts a message queued for its retry, so a cap of 2 lets 2 out', async () => {
    const at = iso(NOW - 60_000)
    // with an email, the referral thanks and the welcome have somewhere to go
    await send(identifyEvent('pri5'))
    await send({
      type: 'track',
      event: 'Product Reviewed',
      messageId: 'rv-1',
      userId: 'pri5',
      timestamp: at,
      properties: { product_id: 'p1', review_id: 'r-1' },
    })
    // the first attempt fails: the message waits 5 s for its retry
    h.dispatcher.kick()
    await h.dispatcher.idle()
    expect(await statuses('pri5')).toEqual({ 'thanks-review': ['queued', null] })
    await referral('pri5', at)
    await send(orderEvent('pri5', 'pri5-o1', 10, at))
    expect(await statuses('pri5')).toEqual({
      'thanks-review': ['queued', null],
      'thanks-referral': ['queued', null],
      welcome: ['suppressed', 'cap_overall'],
    })
    h.clock.now += 6000
    h.dispatcher.kick()
    await h.dispatcher.idle()
    expect(await statuses('pri5')).toMatchObject({
      'thanks-review': ['sent', null],
      'thanks-referral': ['sent', null],
    })
    expect([...attempts.keys()].map((k) => k.split(':')[0]).sort()).toEqual([
      'thanks-referral',
      'thanks-review',
    ])
  })
  it('gives the last slot to a recognition milestone over a marketing welcome of the same batch', async () => {
    const at = iso(NOW - 60_000)
    await send(identifyEvent('pri2'))
    await referral('pri2', at)
    const batch = [1, 2, 3].map((k) => orderEvent('pri2', `pri2-o${k}`, 10, at))
    expect((await h.call('POST', '/v1/events/batch', { body: { batch } })).status).toBe(200)
    const actions = (await h.call('GET', '/v1/actions?customer=pri2')).json.actions
    const by = Object.fromEntries(actions.map((a: { playbookId: string }) => [a.playbookId, a]))
    expect(by.milestones).toMatchObject({ status: 'queued', reason: null })
    expect(by.welcome).toMatchObject({ status: 'suppressed', reason: 'lower_priority' })
    expect(by.welcome.detail).toBe(
      'the last of 2 contacts per 7 days went to higher-priority actions: milestones',
    )
  })
})
