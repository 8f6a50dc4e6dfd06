// A tick dated in the future (an admin's `now`) fires the time-triggered occasions due by then
// early, but sends what it plans now and moves no message held for a real time: QA's tick "as of"
// 2026-12-05 decided an SMS held for quiet hours again and pushed it three days late, and queued
// onboarding steps for a time nobody would deliver them at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, identifyEvent, messagePlaybook, orderEvent } from './harness.ts'

const T0 = Date.parse('2026-12-01T22:00:00Z') // inside SMS quiet hours (21-8 UTC)
const FUTURE = '2026-12-05T18:00:00.000Z'
const hook = 'http://127.0.0.1:9/hook'
const message = messagePlaybook

describe.each(STORES)('a tick dated in the future on $name', (kind) => {
  let h: Harness
  const sent: string[] = []
  beforeAll(async () => {
    h = await harness(kind, {
      now: T0,
      fetch: async (_url, init) => {
        sent.push(JSON.parse(String(init.body)).actionKey)
        return { ok: true, status: 204 }
      },
      ops: {
        holdout: { defaultShare: 0 },
        contactBudget: {
          overall: [{ days: 7, max: 10 }],
          quietHours: { startHour: 21, endHour: 8, channels: ['sms'] },
        },
        playbooks: [
          message('welcome-sms', { type: 'first_order' }, 'sms'),
          message('onboard', { type: 'onboarding', steps: [{ delayDays: 0 }, { delayDays: 2 }] }),
          {
            id: 'anniv',
            department: 'recognition',
            trigger: { type: 'anniversary', windowDays: 7 },
            actions: [
              { type: 'webhook', url: hook, channel: 'email', template: 'anniversary' },
              { type: 'task', role: 'am', title: 'Card for the anniversary', dueInDays: 3 },
            ],
          },
        ],
      },
    })
    const batch = [
      // with emails, where the onboarding and the anniversary go
      identifyEvent('c1'),
      identifyEvent('a1'),
      orderEvent('c1', 'c1-1', 50, new Date(T0 - 3_600_000).toISOString()),
      // first purchase on Dec 4 last year: its anniversary is in 3 days, not today
      orderEvent('a1', 'a1-1', 50, '2025-12-04T10:00:00Z'),
    ]
    expect((await h.call('POST', '/v1/events/batch', { body: { batch } })).status).toBe(200)
  })
  afterAll(() => h?.close())

  // biome-ignore lint/suspicious/noExplicitAny: audit-log rows are checked field by field
  const action = async (key: string): Promise<any> =>
    (await h.call('GET', '/v1/actions?limit=1000')).json.actions.find(
      (a: { actionKey: string }) => a.actionKey === key,
    )
  const sms = 'welcome-sms:c1:first-order:a0'
  const step2 = 'onboard:c1:onboarding-step-2:a0'

  it('fires the occasion early, sent now, and leaves held messages at their times', async () => {
    const heldSms = await action(sms)
    const heldStep = await action(step2)
    expect(heldSms).toMatchObject({ status: 'deferred', reason: 'quiet_hours' })
    expect(heldStep).toMatchObject({ status: 'deferred', reason: 'not_due' })
    const res = await h.call('POST', '/v1/jobs/tick', { body: { now: FUTURE } })
    expect(res.status).toBe(200)
    expect(res.json.now).toBe(FUTURE)
    expect(res.json.actions).toBe(2)
    expect(res.json.released).toEqual({ queued: 0, tasks: 0, deferred: 0, suppressed: 0 })
    // held for a real time: untouched
    expect(await action(sms)).toEqual(heldSms)
    expect(await action(step2)).toEqual(heldStep)
    // the anniversary goes out now, its task due 3 days from now
    const now = new Date(T0).toISOString()
    expect(await action('anniv:a1:anniversary-1:a0')).toMatchObject({
      status: 'queued',
      scheduledAt: now,
    })
    const task = (await h.call('GET', '/v1/tasks?customer=a1')).json.tasks[0]
    expect(task).toMatchObject({
      status: 'open',
      dueAt: new Date(T0 + 3 * 86_400_000).toISOString(),
    })
    h.dispatcher.kick()
    await h.dispatcher.idle()
    expect(sent).toContain('anniv:a1:anniversary-1:a0')
    expect(sent).not.toContain(sms)
    expect(sent).not.toContain(step2)
    // the SMS goes out when quiet hours end, by the clock
    h.clock.now = Date.parse('2026-12-02T08:00:01Z')
    const real = await h.call('POST', '/v1/jobs/tick', { body: {} })
    expect(real.json.released.queued).toBe(1)
    expect((await action(sms)).status).toMatch(/queued|sent/)
  })
})
