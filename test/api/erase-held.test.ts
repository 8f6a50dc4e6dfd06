// A message held for a customer who is then erased never goes out: it is suppressed with the
// reason customer_erased (a code like the contact budget's, documented in docs/operations.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, orderEvent } from './harness.ts'

const T0 = Date.parse('2026-03-03T22:30:00Z') // inside SMS quiet hours (21-8 UTC)

describe.each(STORES)('erasing a customer with a held message on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind, {
      now: T0,
      ops: {
        holdout: { defaultShare: 0 },
        contactBudget: { quietHours: { startHour: 21, endHour: 8, channels: ['sms'] } },
        playbooks: [
          {
            id: 'welcome',
            department: 'marketing',
            trigger: { type: 'first_order' },
            actions: [
              { type: 'webhook', url: 'http://127.0.0.1:9/hook', channel: 'sms', template: 'w' },
              { type: 'task', role: 'am', title: 'Call the new customer', dueInDays: 2 },
            ],
          },
        ],
      },
    })
  })
  afterAll(() => h?.close())

  it('suppresses the held message and cancels the open task as customer_erased', async () => {
    const order = orderEvent('e1', 'e1-1', 40, new Date(T0 - 60_000).toISOString())
    expect((await h.call('POST', '/v1/events', { body: order })).status).toBe(200)
    const before = (await h.call('GET', '/v1/actions?limit=100')).json.actions
    expect(before.map((a: { status: string }) => a.status).sort()).toEqual([
      'deferred',
      'task_created',
    ])
    expect((await h.call('DELETE', '/v1/customers/e1')).status).toBe(200)
    const after = (await h.call('GET', '/v1/actions?limit=100')).json.actions
    const sms = after.find((a: { channel: string | null }) => a.channel === 'sms')
    // its detail says why now (it had kept the deferral's quiet-hours words)
    expect(sms).toMatchObject({
      status: 'suppressed',
      reason: 'customer_erased',
      detail: 'not sent: the customer asked to be erased before it went out',
    })
    // the task API shows no cancel reason: it is in the store
    const tasks = await h.engine.query('SELECT status, cancel_reason FROM tasks')
    expect(tasks).toEqual([{ status: 'cancelled', cancel_reason: 'customer_erased' }])
  })
})
