// A tick dated before the clock (a missed tick caught up after an outage) finds the occasions due
// by then, but its messages go out now: the contact budget and quiet hours are those of now. QA's
// tick "as of" a week ago sent a fourth contact within the week and a marketing SMS at 23:00.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, identifyEvent, messagePlaybook, orderEvent } from './harness.ts'

const T0 = Date.parse('2027-06-01T23:00:00Z') // inside SMS quiet hours (21-8 UTC)
const PAST = '2027-05-24T12:00:00.000Z'
const message = messagePlaybook

describe.each(STORES)('a tick dated in the past on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind, {
      now: T0,
      fetch: async () => ({ ok: true, status: 204 }),
      ops: {
        holdout: { defaultShare: 0 },
        contactBudget: {
          overall: [{ days: 7, max: 1 }],
          quietHours: { startHour: 21, endHour: 8, channels: ['sms'] },
        },
        playbooks: [
          message('thanks', { type: 'review_posted' }, 'email'),
          message('miss-you-sms', { type: 'no_order_for', days: 58 }, 'sms'),
        ],
      },
    })
    const review = {
      type: 'track',
      messageId: 'rev-b1',
      userId: 'b1',
      event: 'Product Reviewed',
      timestamp: new Date(T0 - 3_600_000).toISOString(),
      properties: {},
    }
    const batch = [
      identifyEvent('q1'),
      identifyEvent('b1'),
      // last orders 60 days before the past `now`: lapsed (58 days) two days before it
      orderEvent('q1', 'q1-1', 50, '2027-03-25T10:00:00Z'),
      orderEvent('b1', 'b1-1', 50, '2027-03-25T10:00:00Z'),
    ]
    expect((await h.call('POST', '/v1/events/batch', { body: { batch } })).status).toBe(200)
    // b1's one contact of the week: an hour ago by the clock, a week after the past `now`
    expect((await h.call('POST', '/v1/events', { body: review })).status).toBe(200)
  })
  afterAll(() => h?.close())

  // biome-ignore lint/suspicious/noExplicitAny: audit-log rows are checked field by field
  const action = async (key: string): Promise<any> =>
    (await h.call('GET', '/v1/actions?limit=1000')).json.actions.find(
      (a: { actionKey: string }) => a.actionKey === key,
    )

  it('fires the occasions due then, decided by the budget and quiet hours of now', async () => {
    expect(await action('thanks:b1:review-rev-b1:a0')).toMatchObject({ status: 'queued' })
    const res = await h.call('POST', '/v1/jobs/tick', { body: { now: PAST } })
    expect(res.status).toBe(200)
    expect(res.json.now).toBe(PAST)
    // q1: an SMS now would be at 23:00, inside quiet hours: held until 08:00 by the clock
    expect(await action('miss-you-sms:q1:no-order-since-2027-03-25:a0')).toMatchObject({
      status: 'deferred',
      reason: 'quiet_hours',
      scheduledAt: '2027-06-02T08:00:00.000Z',
    })
    // b1: the review's thanks went out an hour ago, the one contact the week allows
    expect(await action('miss-you-sms:b1:no-order-since-2027-03-25:a0')).toMatchObject({
      status: 'suppressed',
      reason: 'cap_overall',
    })
  })

  it('refuses a now on a day the calendar has not, saying so', async () => {
    const res = await h.call('POST', '/v1/jobs/tick', { body: { now: '2027-02-30T00:00:00Z' } })
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.json)).toContain('there is no such day in the calendar')
    expect(JSON.stringify(res.json)).not.toContain('must be an ISO 8601 date-time')
    const month = await h.call('POST', '/v1/jobs/tick', { body: { now: '2026-13-01T00:00:00Z' } })
    expect(month.status).toBe(400)
    expect(JSON.stringify(month.json)).toContain('there is no month 13')
  })
})
