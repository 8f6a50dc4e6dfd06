// The scheduler tick and deferred actions on both stores: time-based triggers (anniversary, next
// purchase due, no order for N days, best customer at risk) fire once per occasion for exactly the
// customers that are due, and a deferred action goes through the contact budget again when due.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { anniversaryMonthDays } from '../../src/service/ops/scheduler.ts'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, identifyEvent, orderEvent, VIP_OR_REGULAR } from './harness.ts'

const DAY = 86_400_000
const iso = (ms: number) => new Date(ms).toISOString()
const hook = 'http://127.0.0.1:9/hook'

// biome-ignore lint/suspicious/noExplicitAny: audit-log rows are checked field by field
type Action = any

async function actions(h: Harness, query = ''): Promise<Action[]> {
  const res = await h.call('GET', `/v1/actions?limit=1000${query}`)
  expect(res.status).toBe(200)
  return res.json.actions
}

const byPlaybook = (report: {
  playbooks: { playbookId: string; candidates: number; actions: number }[]
}) => Object.fromEntries(report.playbooks.map((p) => [p.playbookId, [p.candidates, p.actions]]))

describe('anniversaryMonthDays', () => {
  it('lists the month-days of the window, with Feb 29 on Feb 28 of common years', () => {
    expect(anniversaryMonthDays(Date.parse('2025-06-15T12:00:00Z'), 3)).toEqual([613, 614, 615])
    expect(anniversaryMonthDays(Date.parse('2025-03-01T00:00:00Z'), 2)).toEqual([228, 229, 301])
    expect(anniversaryMonthDays(Date.parse('2024-03-01T00:00:00Z'), 2)).toEqual([229, 301])
  })
})

describe.each(STORES)('scheduler on $name', (kind) => {
  describe('time-based triggers', () => {
    let h: Harness
    const sent: { url: string; body: Record<string, unknown> }[] = []
    const now = Date.parse('2025-06-15T12:00:00Z')
    beforeAll(async () => {
      h = await harness(kind, {
        now,
        fetch: async (url, init) => {
          sent.push({ url, body: JSON.parse(String(init.body)) })
          return { ok: true, status: 204 }
        },
        value: VIP_OR_REGULAR,
        ops: {
          holdout: { defaultShare: 0 },
          contactBudget: { overall: [{ days: 7, max: 10 }], quietHours: null },
          playbooks: [
            {
              id: 'anniv',
              department: 'recognition',
              trigger: { type: 'anniversary', windowDays: 7 },
              actions: [{ type: 'webhook', url: hook, channel: 'email', template: 'anniversary' }],
            },
            {
              id: 'nudge',
              department: 'marketing',
              trigger: { type: 'next_purchase_due', toleranceDays: 3 },
              actions: [{ type: 'webhook', url: hook, channel: 'email', template: 'running-low' }],
            },
            {
              id: 'win-back',
              department: 'marketing',
              priority: 6,
              trigger: { type: 'no_order_for', days: 35 },
              actions: [{ type: 'webhook', url: hook, channel: 'email', template: 'miss-you' }],
            },
            {
              id: 'save-best',
              department: 'service',
              trigger: { type: 'best_at_risk', gapMultiple: 2 },
              actions: [{ type: 'task', role: 'am', title: 'Call: best customer at risk' }],
            },
            {
              id: 'welcome',
              department: 'marketing',
              trigger: { type: 'first_order' },
              actions: [{ type: 'webhook', url: hook, channel: 'email', template: 'welcome' }],
            },
          ],
        },
      })
      const orders: [string, string, number][] = [
        ['ann1', '2024-06-13T09:00:00Z', 20], // anniversary on Jun 13: in the 7-day window
        ['ann-old', '2024-06-01T09:00:00Z', 20], // anniversary on Jun 1: outside it
        ['ann-young', '2025-06-13T09:00:00Z', 20], // same day, but not a year ago
        ['due1', '2025-04-10T12:00:00Z', 20], // usual gap 30 days: due Jun 9, + 3 days
        ['due1', '2025-05-10T12:00:00Z', 20],
        ['fresh', '2025-06-01T12:00:00Z', 20], // due Jun 19: not yet
        ['fresh', '2025-06-10T12:00:00Z', 20],
        ['lapsed-long', '2023-01-01T12:00:00Z', 20], // due in 2023: stale
        ['lapsed-long', '2023-02-01T12:00:00Z', 20],
        ['vip-risk', '2025-03-01T12:00:00Z', 300], // VIP, 75 days since an order, gap 31
        ['vip-risk', '2025-04-01T12:00:00Z', 300],
        ['vip-ok', '2025-05-20T12:00:00Z', 300], // VIP, ordered 5 days ago
        ['vip-ok', '2025-06-10T12:00:00Z', 300],
      ]
      // each customer with an email, where the messages go
      const batch = [
        ...[...new Set(orders.map(([c]) => c))].map((c) => identifyEvent(c)),
        ...orders.map(([c, at, amount], i) => orderEvent(c, `${c}-${i}`, amount, at)),
      ]
      expect((await h.call('POST', '/v1/events/batch', { body: { batch } })).status).toBe(200)
    })
    afterAll(async () => {
      await h.close()
    })

    it('fires each time trigger for exactly the customers that are due', async () => {
      // ingestion fired no time trigger, and a welcome only for the recent first order
      expect((await actions(h)).map((a) => a.actionKey)).toEqual([
        'welcome:ann-young:first-order:a0',
      ])
      // a catch-up tick dated before vip-risk's last order (and the other VIP's first) sees
      // their later profiles: nobody is at risk then, even with a P(alive) that says so now,
      // and the occasion is kept for its time
      const setAlive = (v: string) =>
        h.store.use((e) =>
          e.exec(
            `UPDATE customer_profile SET p_alive = ${v} WHERE customer_id IN ('vip-risk', 'vip-ok')`,
          ),
        )
      const [alive] = await h.store.use((e) =>
        e.query("SELECT p_alive FROM customer_profile WHERE customer_id = 'vip-risk'"),
      )
      await setAlive('0.01')
      const early = await h.call('POST', '/v1/jobs/tick', {
        body: { now: '2025-03-20T12:00:00Z' },
      })
      await setAlive(alive!.p_alive === null ? 'NULL' : String(alive!.p_alive))
      expect(early.status).toBe(200)
      expect(byPlaybook(early.json)['save-best']).toEqual([0, 0])
      const res = await h.call('POST', '/v1/jobs/tick', { body: { now: iso(now) } })
      expect(res.status).toBe(200)
      expect(res.json.now).toBe(iso(now))
      expect(byPlaybook(res.json)).toEqual({
        anniv: [1, 1],
        nudge: [1, 1],
        'win-back': [1, 1],
        'save-best': [1, 1],
      })
      const log = (await actions(h)).filter((a) => a.playbookId !== 'welcome')
      expect(log.map((a) => a.actionKey).sort()).toEqual([
        'anniv:ann1:anniversary-1:a0',
        'nudge:due1:due-2025-06-09:a0',
        'save-best:vip-risk:at-risk-2025-04-01:a0',
        'win-back:due1:no-order-since-2025-05-10:a0',
      ])
      expect(log.find((a) => a.playbookId === 'save-best')).toMatchObject({
        status: 'task_created',
        trigger: 'best_at_risk',
      })
      const tasks = (await h.call('GET', '/v1/tasks?customer=vip-risk')).json.tasks
      expect(tasks).toHaveLength(1)
      expect(tasks[0]).toMatchObject({ status: 'open', role: 'am', playbookId: 'save-best' })
      // the messages are queued and go out once
      expect(res.json.queued).toBe(3)
      await h.dispatcher.kick()
      await h.dispatcher.idle()
      expect(sent.map((s) => s.body.template).sort()).toEqual([
        'anniversary',
        'miss-you',
        'running-low',
        'welcome',
      ])
      expect(sent.find((s) => s.body.template === 'anniversary')!.body.variables).toMatchObject({
        years: 1,
        firstOrderDate: '2024-06-13',
      })
    })

    it('a second tick, and one a day later, fire nothing again and propose nobody', async () => {
      for (const at of [now, now + DAY, now + 5 * DAY]) {
        const res = await h.call('POST', '/v1/jobs/tick', { body: { now: iso(at) } })
        expect(res.json.actions, iso(at)).toBe(0)
        for (const p of res.json.playbooks) expect(p.candidates, p.playbookId).toBe(0)
      }
      expect(await actions(h)).toHaveLength(5)
    })

    it('a new order starts a new occasion, fired once when it is due', async () => {
      h.clock.now = Date.parse('2025-06-16T12:00:00Z')
      await h.call('POST', '/v1/events', {
        body: orderEvent('due1', 'due1-again', 20, '2025-06-16T12:00:00Z'),
      })
      // 3 purchase days, usual gap 33.5 days: due Jul 19 12:00 (33.5 days after the last
      // purchase day's 00:00, as the gap counts days), + 3 days tolerance; no order
      // for 35 days on Jul 21 12:00 (and ann-young on Jul 18); vip-ok passes 2 usual gaps
      // (42 days) on Jul 22 12:00
      const at = Date.parse('2025-07-23T12:00:00Z')
      h.clock.now = at
      const res = await h.call('POST', '/v1/jobs/tick', { body: { now: iso(at) } })
      expect(byPlaybook(res.json)).toEqual({
        anniv: [0, 0],
        nudge: [1, 1],
        'win-back': [2, 2],
        'save-best': [1, 1],
      })
      const keys = (await actions(h)).map((a) => a.actionKey)
      expect(keys).toContain('nudge:due1:due-2025-07-19:a0')
      expect(keys).toContain('win-back:due1:no-order-since-2025-06-16:a0')
      expect(keys).toContain('win-back:ann-young:no-order-since-2025-06-13:a0')
      expect(keys).toContain('save-best:vip-ok:at-risk-2025-06-10:a0')
      expect(keys).toHaveLength(9)
      const again = await h.call('POST', '/v1/jobs/tick', { body: { now: iso(at + 3_600_000) } })
      expect(again.json.actions).toBe(0)
    })

    it('refuses a tick at another time from a non-admin key, and a bad time', async () => {
      const analyst = await h.call('POST', '/v1/jobs/tick', {
        role: 'analyst',
        body: { now: iso(now) },
      })
      expect(analyst.status).toBe(403)
      expect(analyst.json.error.code).toBe('forbidden')
      // the analyst holds refit: the body says what it lacks is "now", which admins alone send
      expect(analyst.json.error.details).toEqual({
        role: 'analyst',
        permission: 'refit',
        field: 'now',
        roles: ['admin'],
      })
      expect(analyst.json.error.message).toContain('a tick with "now" needs an admin key')
      const plain = await h.call('POST', '/v1/jobs/tick', { role: 'analyst' })
      expect(plain.status).toBe(200)
      expect(plain.json.now).toBe(iso(h.clock.now))
      const bad = await h.call('POST', '/v1/jobs/tick', { body: { now: 'tomorrow' } })
      expect(bad.status).toBe(400)
      expect(bad.json.error.details[0].path).toBe('now')
    })

    it('plans nothing for an erased customer: their anniversary passes without a message', async () => {
      // a first purchase on 2024-08-10, erased; the tick of its anniversary fires for nobody
      const order = orderEvent('gone', 'gone-1', 20, '2024-08-10T09:00:00Z')
      expect((await h.call('POST', '/v1/events', { body: order })).status).toBe(200)
      expect((await h.call('DELETE', '/v1/customers/gone')).status).toBe(200)
      const at = Date.parse('2025-08-12T12:00:00Z')
      h.clock.now = at
      const res = await h.call('POST', '/v1/jobs/tick', { body: { now: iso(at) } })
      expect(res.status).toBe(200)
      expect(byPlaybook(res.json).anniv).toEqual([1, 0])
      expect((await actions(h)).filter((a) => /erased_/.test(a.actionKey))).toEqual([])
    })
  })

  it('puts the next purchase of two customers who bought on the same days due on one day, whatever the hours', async () => {
    const h = await harness(kind, {
      now: Date.parse('2025-07-01T12:00:00Z'),
      ops: {
        holdout: { defaultShare: 0 },
        contactBudget: { overall: [{ days: 7, max: 10 }], quietHours: null },
        playbooks: [
          {
            id: 'nudge',
            department: 'marketing',
            trigger: { type: 'next_purchase_due', toleranceDays: 3 },
            actions: [{ type: 'webhook', url: hook, channel: 'email', template: 'running-low' }],
          },
        ],
      },
    })
    try {
      // purchase days May 1 and May 31 for both: a usual gap of 30 days, due Jun 30 (the
      // instants gave late-b a gap of 29.04 days, due Jun 29 01:30, a day before late-a)
      const orders: [string, string][] = [
        ['late-a', '2025-05-01T00:30:00Z'],
        ['late-a', '2025-05-31T00:30:00Z'],
        ['late-b', '2025-05-01T23:30:00Z'],
        ['late-b', '2025-05-31T00:30:00Z'],
      ]
      const batch = [
        identifyEvent('late-a'),
        identifyEvent('late-b'),
        ...orders.map(([c, at], i) => orderEvent(c, `${c}-${i}`, 20, at)),
      ]
      expect((await h.call('POST', '/v1/events/batch', { body: { batch } })).status).toBe(200)
      const early = await h.call('POST', '/v1/jobs/tick', {
        body: { now: '2025-07-02T12:00:00Z' },
      })
      expect(early.json.actions).toBe(0)
      const due = await h.call('POST', '/v1/jobs/tick', { body: { now: '2025-07-03T12:00:00Z' } })
      expect(due.json.actions).toBe(2)
      expect((await actions(h)).map((a) => a.actionKey).sort()).toEqual([
        'nudge:late-a:due-2025-06-30:a0',
        'nudge:late-b:due-2025-06-30:a0',
      ])
    } finally {
      await h.close()
    }
  })

  it.each([
    ['marketing listed first', false],
    ['recognition listed first', true],
  ])(
    'gives the last free slot of a tick by department, whatever the order of the configuration (%s)',
    async (_, reversed) => {
      const playbooks = [
        {
          id: 'miss-you',
          department: 'marketing' as const,
          trigger: { type: 'no_order_for' as const, days: 60 },
          actions: [
            {
              type: 'webhook' as const,
              url: hook,
              channel: 'email' as const,
              template: 'miss-you',
            },
          ],
        },
        {
          id: 'anniv',
          department: 'recognition' as const,
          trigger: { type: 'anniversary' as const, windowDays: 7 },
          actions: [
            { type: 'webhook' as const, url: hook, channel: 'email' as const, template: 'anniv' },
          ],
        },
      ]
      const h = await harness(kind, {
        now: Date.parse('2025-06-15T12:00:00Z'),
        ops: {
          holdout: { defaultShare: 0 },
          contactBudget: { overall: [{ days: 7, max: 1 }], quietHours: null },
          playbooks: reversed ? playbooks.reverse() : playbooks,
        },
      })
      try {
        // first order a year ago on Jun 13 (anniversary in the window), last Apr 12: 60 days
        // without an order on Jun 11; one slot in the week for both occasions
        const batch = [
          identifyEvent('a1'),
          orderEvent('a1', 'a1-1', 60, '2024-06-13T10:00:00Z'),
          orderEvent('a1', 'a1-2', 60, '2025-04-12T10:00:00Z'),
        ]
        expect((await h.call('POST', '/v1/events/batch', { body: { batch } })).status).toBe(200)
        const res = await h.call('POST', '/v1/jobs/tick', { body: { now: '2025-06-15T12:00:00Z' } })
        expect(byPlaybook(res.json)).toEqual({ anniv: [1, 1], 'miss-you': [1, 1] })
        const log = await actions(h)
        const of = (id: string) => log.find((a) => a.playbookId === id)
        expect(of('anniv')).toMatchObject({ status: 'queued' })
        expect(of('miss-you')).toMatchObject({ status: 'suppressed', reason: 'lower_priority' })
        expect(of('miss-you').detail).toMatch(/anniv/)
      } finally {
        await h.close()
      }
    },
  )

  describe('deferred actions and the contact budget', () => {
    let h: Harness
    const sent: { key: string; template: unknown }[] = []
    // 22:30 UTC: inside quiet hours for SMS (21-8, customers' zone UTC)
    const d0 = Date.parse('2025-03-03T22:30:00Z')
    beforeAll(async () => {
      h = await harness(kind, {
        now: d0,
        fetch: async (_url, init) => {
          const b = JSON.parse(String(init.body))
          sent.push({ key: b.actionKey, template: b.template })
          return { ok: true, status: 204 }
        },
        ops: {
          holdout: { defaultShare: 0 },
          contactBudget: {
            overall: [{ days: 7, max: 2 }],
            channels: { sms: [{ days: 1, max: 1 }] },
            quietHours: { startHour: 21, endHour: 8, channels: ['sms'] },
          },
          playbooks: [
            {
              id: 'onboard-sms',
              department: 'marketing',
              trigger: { type: 'onboarding', steps: [{ delayDays: 0 }, { delayDays: 2 }] },
              actions: [{ type: 'webhook', url: hook, channel: 'sms', template: 'tip' }],
            },
            {
              id: 'onboard-call',
              department: 'service',
              trigger: { type: 'onboarding', steps: [{ delayDays: 3 }] },
              actions: [{ type: 'task', role: 'am', title: 'Day-3 call', dueInDays: 2 }],
            },
            {
              id: 'thanks-review',
              department: 'recognition',
              trigger: { type: 'review_posted' },
              actions: [{ type: 'webhook', url: hook, channel: 'email', template: 'thanks' }],
            },
          ],
        },
      })
    })
    afterAll(async () => {
      await h.close()
    })

    const status = async (key: string) =>
      (await actions(h)).find((a: Action) => a.actionKey === key) as Action
    const pass = async (at: number) => {
      h.clock.now = at
      h.dispatcher.kick()
      await h.dispatcher.idle()
    }

    it('a step held by quiet hours is re-checked when due, deferred again, then sent', async () => {
      await h.call('POST', '/v1/events', { body: orderEvent('q1', 'q1-o1', 30, iso(d0)) })
      const s1 = 'onboard-sms:q1:onboarding-step-1:a0'
      const s2 = 'onboard-sms:q1:onboarding-step-2:a0'
      expect(await status(s1)).toMatchObject({
        status: 'deferred',
        reason: 'quiet_hours',
        scheduledAt: '2025-03-04T08:00:00.000Z',
      })
      expect(await status(s2)).toMatchObject({ status: 'deferred', reason: 'not_due' })
      await pass(Date.parse('2025-03-04T08:00:00Z'))
      expect(await status(s1)).toMatchObject({ status: 'sent' })
      expect(sent.map((s) => s.key)).toEqual([s1])
      // step 2 is due at 22:30 two days later: quiet hours again
      await pass(d0 + 2 * DAY)
      expect(await status(s2)).toMatchObject({
        status: 'deferred',
        reason: 'quiet_hours',
        scheduledAt: '2025-03-06T08:00:00.000Z',
      })
      expect(sent).toHaveLength(1)
      await pass(Date.parse('2025-03-06T08:00:00Z'))
      expect(await status(s2)).toMatchObject({ status: 'sent', reason: null })
      expect(sent.map((s) => s.key)).toEqual([s1, s2])
      // the deferred staff task is created on day 3, due 2 days later
      await pass(d0 + 3 * DAY)
      expect(await status('onboard-call:q1:onboarding-step-1:a0')).toMatchObject({
        status: 'task_created',
      })
      const tasks = (await h.call('GET', '/v1/tasks?customer=q1')).json.tasks
      expect(tasks).toHaveLength(1)
      expect(tasks[0]).toMatchObject({ title: 'Day-3 call', createdAt: iso(d0 + 3 * DAY) })
      expect(tasks[0].dueAt).toBe(iso(d0 + 5 * DAY))
    })

    it('a step whose budget was taken meanwhile waits, with the reason, until the cap has room', async () => {
      const t0 = Date.parse('2025-03-10T10:00:00Z') // daytime: no quiet hours
      h.clock.now = t0
      await h.call('POST', '/v1/events', { body: orderEvent('r1', 'r1-o1', 30, iso(t0)) })
      await h.call('POST', '/v1/events', { body: orderEvent('r2', 'r2-o1', 30, iso(t0)) })
      await pass(t0)
      // r1 posts a review the next day: the email takes the second contact of the week
      h.clock.now = t0 + DAY
      await h.call('POST', '/v1/events', { body: identifyEvent('r1') })
      await h.call('POST', '/v1/events', {
        body: {
          type: 'track',
          messageId: 'rev-r1',
          userId: 'r1',
          event: 'Product Reviewed',
          timestamp: iso(t0 + DAY),
          properties: {},
        },
      })
      await pass(t0 + DAY)
      expect(await status('thanks-review:r1:review-rev-r1:a0')).toMatchObject({ status: 'sent' })
      const before = sent.length
      await pass(t0 + 2 * DAY)
      // a step of a sequence is not dropped (the customer would be told "step 3 of 3" after no 2)
      const held = await status('onboard-sms:r1:onboarding-step-2:a0')
      expect(held).toMatchObject({ status: 'deferred', reason: 'cap_overall' })
      expect(held.detail).toMatch(/2 contacts in the last 7 days; the cap is 2/)
      expect(held.detail).toMatch(/a sequence step is not dropped: it waits until /)
      // r2 had no other contact: its step 2 goes out
      expect(await status('onboard-sms:r2:onboarding-step-2:a0')).toMatchObject({
        status: 'sent',
      })
      expect(sent.slice(before).map((s) => s.key)).toEqual(['onboard-sms:r2:onboarding-step-2:a0'])
      await pass(t0 + 3 * DAY)
      expect(await status('onboard-sms:r1:onboarding-step-2:a0')).toMatchObject({
        status: 'deferred',
      })
      // a week after the first contact the cap has room again: the held step goes out, once
      await pass(t0 + 8 * DAY)
      expect(await status('onboard-sms:r1:onboarding-step-2:a0')).toMatchObject({ status: 'sent' })
      await pass(t0 + 9 * DAY)
      expect(sent.filter((s) => s.key === 'onboard-sms:r1:onboarding-step-2:a0')).toHaveLength(1)
    })
  })

  it("sends what is due at one moment in the budget's order: the welcome before the onboarding step", async () => {
    const sent: string[] = []
    const now = Date.parse('2025-03-03T10:00:00Z')
    const email = (id: string) => [
      { type: 'webhook' as const, url: hook, channel: 'email' as const, template: id },
    ]
    const h = await harness(kind, {
      now,
      fetch: async (_url, init) => {
        sent.push(JSON.parse(String(init.body)).actionKey)
        return { ok: true, status: 204 }
      },
      ops: {
        holdout: { defaultShare: 0 },
        contactBudget: { overall: [{ days: 7, max: 5 }], quietHours: null },
        // ids in the reverse of their order: the keys alone would send "a-tip" first
        playbooks: [
          {
            id: 'a-tip',
            department: 'marketing',
            trigger: { type: 'onboarding', steps: [{ delayDays: 0 }] },
            actions: email('a-tip'),
          },
          {
            id: 'b-welcome',
            department: 'marketing',
            priority: 2,
            trigger: { type: 'first_order' },
            actions: email('b-welcome'),
          },
          {
            id: 'c-thanks',
            department: 'recognition',
            priority: 9,
            trigger: { type: 'first_order' },
            actions: email('c-thanks'),
          },
        ],
      },
    })
    try {
      await h.call('POST', '/v1/events', { body: identifyEvent('w1') })
      expect(
        (await h.call('POST', '/v1/events', { body: orderEvent('w1', 'w1-o1', 30, iso(now)) }))
          .status,
      ).toBe(200)
      h.dispatcher.kick()
      await h.dispatcher.idle()
      expect(sent).toEqual([
        'c-thanks:w1:first-order:a0',
        'b-welcome:w1:first-order:a0',
        'a-tip:w1:onboarding-step-1:a0',
      ])
    } finally {
      await h.close()
    }
  })
})
