// A playbook message on the email channel for a customer without an email address is suppressed
// with reason no_email, on both stores: it was delivered to the webhook with "email": null and
// logged as sent. It takes no slot of the contact budget; a customer identified with an email in
// the same batch as their order is sent it; and a held message whose customer's email was cleared
// meanwhile is suppressed when it comes due, not sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import {
  type Harness,
  harness,
  identifyEvent,
  ONE_A_WEEK_QUIET_NIGHTS,
  orderEvent,
} from './harness.ts'

const NOW = Date.parse('2025-03-01T12:00:00Z')

describe.each(STORES)('an email action without an email address on $name', (kind) => {
  let h: Harness
  const received: { url: string; body: { customerId: string; email: string | null } }[] = []
  beforeAll(async () => {
    h = await harness(kind, {
      now: NOW,
      fetch: async (url, init) => {
        received.push({ url, body: JSON.parse(String(init.body)) })
        return { ok: true, status: 200 }
      },
      ops: {
        holdout: { defaultShare: 0 },
        // one message a week: a message that cannot go out must not use it up
        contactBudget: ONE_A_WEEK_QUIET_NIGHTS,
        playbooks: [
          {
            id: 'welcome',
            department: 'recognition',
            trigger: { type: 'first_order' },
            actions: [
              {
                type: 'webhook',
                url: 'http://hooks/welcome',
                channel: 'email',
                template: 'welcome',
              },
            ],
          },
          {
            id: 'welcome-sms',
            department: 'marketing',
            trigger: { type: 'first_order' },
            actions: [
              { type: 'webhook', url: 'http://hooks/sms', channel: 'sms', template: 'welcome' },
            ],
          },
        ],
      },
    })
  })
  afterAll(() => h?.close())

  const actions = async (customer: string) =>
    Object.fromEntries(
      (await h.call('GET', `/v1/actions?customer=${customer}`)).json.actions.map(
        (a: { playbookId: string; status: string; reason: string | null; detail: string }) => [
          a.playbookId,
          { status: a.status, reason: a.reason, detail: a.detail },
        ],
      ),
    )
  const dispatch = async () => {
    h.dispatcher.kick()
    await h.dispatcher.idle()
  }

  it('is suppressed as no_email, not sent, and leaves the budget to the next message', async () => {
    const order = {
      order_id: 'o-c91',
      customer_id: 'c91',
      ordered_at: '2025-03-01T11:00:00Z',
      amount: 30,
    }
    expect((await h.call('POST', '/v1/orders', { body: order })).status).toBe(200)
    await dispatch()
    expect(received.filter((r) => r.body.customerId === 'c91').map((r) => r.url)).toEqual([
      'http://hooks/sms',
    ])
    expect(await actions('c91')).toEqual({
      welcome: {
        status: 'suppressed',
        reason: 'no_email',
        detail: 'the customer has no email address',
      },
      'welcome-sms': { status: 'sent', reason: null, detail: 'HTTP 200' },
    })
  })

  it('is sent to a customer identified with an email in the same batch', async () => {
    const batch = [identifyEvent('c92'), orderEvent('c92', 'o-c92', 30, '2025-03-01T11:00:00Z')]
    expect((await h.call('POST', '/v1/events/batch', { body: { batch } })).status).toBe(200)
    await dispatch()
    expect(received.filter((r) => r.body.customerId === 'c92').map((r) => r.body.email)).toEqual([
      'c92@example.com',
    ])
    expect((await actions('c92')).welcome).toMatchObject({ status: 'sent' })
  })

  it('held for quiet hours, is suppressed at release when the email was cleared meanwhile', async () => {
    h.clock.now = Date.parse('2025-03-01T22:00:00Z')
    const batch = [identifyEvent('c93'), orderEvent('c93', 'o-c93', 30, '2025-03-01T21:30:00Z')]
    expect((await h.call('POST', '/v1/events/batch', { body: { batch } })).status).toBe(200)
    expect((await actions('c93')).welcome).toMatchObject({ status: 'deferred' })
    const clear = await h.call('POST', '/v1/events', { body: identifyEvent('c93', null) })
    expect(clear.status).toBe(200)
    h.clock.now = Date.parse('2025-03-02T09:00:00Z')
    await dispatch()
    expect((await actions('c93')).welcome).toEqual({
      status: 'suppressed',
      reason: 'no_email',
      detail: 'at release 2025-03-02T09:00:00.000Z: the customer has no email address',
    })
    expect(
      received.filter((r) => r.url === 'http://hooks/welcome').map((r) => r.body.customerId),
    ).toEqual(['c92'])
  })
})
