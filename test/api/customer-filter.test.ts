// The customer filter of GET /v1/actions and /v1/tasks takes an id as a help desk keeps it:
// " VIP@Example.com " finds the actions and tasks of vip@example.com, as /v1/customers/{id} and
// the service endpoints do (docs/api.md: ids are trimmed and e-mails lower-cased as imports store
// them). It used to answer an empty list, and a desk could open a duplicate "call the VIP" task.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, orderEvent } from './harness.ts'

describe.each(STORES)('customer filters on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind, {
      ops: {
        holdout: { defaultShare: 0 },
        contactBudget: { quietHours: null },
        playbooks: [
          {
            id: 'welcome-call',
            department: 'service',
            trigger: { type: 'first_order' },
            actions: [
              {
                type: 'webhook',
                url: 'http://127.0.0.1:9/welcome',
                channel: 'email',
                template: 'hi',
              },
              { type: 'task', role: 'am', title: 'Call the new customer' },
            ],
          },
        ],
      },
    })
  })
  afterAll(() => h?.close())

  it('finds the actions and tasks of an e-mail id however it is written', async () => {
    const at = new Date(h.clock.now - 3_600_000).toISOString()
    const sent = await h.call('POST', '/v1/events', {
      body: orderEvent('VIP@Example.com', 'vip-1', 9000, at),
    })
    expect(sent.status).toBe(200)
    for (const typed of ['vip@example.com', 'VIP@Example.com', ' VIP@Example.com ']) {
      const q = encodeURIComponent(typed)
      const actions = (await h.call('GET', `/v1/actions?customer=${q}`)).json.actions
      expect(
        actions.map((a: { customerId: string; playbookId: string }) => [
          a.customerId,
          a.playbookId,
        ]),
        typed,
      ).toEqual([
        ['vip@example.com', 'welcome-call'],
        ['vip@example.com', 'welcome-call'],
      ])
      const tasks = (await h.call('GET', `/v1/tasks?customer=${q}`)).json.tasks
      expect(
        tasks.map((t: { customerId: string; title: string }) => [t.customerId, t.title]),
        typed,
      ).toEqual([['vip@example.com', 'Call the new customer']])
    }
    // an id nobody has stays an empty answer
    expect((await h.call('GET', '/v1/tasks?customer=nobody%40x.com')).json.tasks).toEqual([])
  })
})
