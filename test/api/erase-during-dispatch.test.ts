// The dispatcher reads a batch of due messages and sends them one at a time, each attempt up to 5 s:
// a customer erased while messages ahead of theirs were being delivered had their queued message
// suppressed in the audit log ("not sent"), and then sent anyway, with their id, when its turn came.
// Each message is read again at its turn, on both stores.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, orderEvent } from './harness.ts'

const NOW = Date.parse('2025-03-01T12:00:00Z')

describe.each(STORES)('an erasure while the dispatcher is sending on $name', (kind) => {
  let h: Harness
  const sent: string[] = []
  beforeAll(async () => {
    h = await harness(kind, {
      now: NOW,
      fetch: async (_url, init) => {
        const body = JSON.parse(String(init.body)) as { customerId: string }
        sent.push(body.customerId)
        // the receiver is slow with the first customer's message: the second is erased meanwhile
        if (body.customerId === 'c-first') {
          expect((await h.call('DELETE', '/v1/customers/c-second')).status).toBe(200)
        }
        return { ok: true, status: 200 }
      },
      ops: {
        holdout: { defaultShare: 0 },
        contactBudget: { quietHours: null, overall: [] },
        playbooks: [
          {
            id: 'welcome',
            department: 'recognition',
            trigger: { type: 'first_order' },
            actions: [
              { type: 'webhook', url: 'http://hooks/welcome', channel: 'in_app', template: 'hi' },
            ],
          },
        ],
      },
    })
  })
  afterAll(() => h?.close())

  it('does not send the erased customer the message the pass had read before the erasure', async () => {
    const at = new Date(NOW - 60_000).toISOString()
    // queued in this order (the dispatcher sends oldest first)
    expect(
      (await h.call('POST', '/v1/events', { body: orderEvent('c-first', 'f1', 20, at) })).status,
    ).toBe(200)
    h.clock.now += 1000
    expect(
      (await h.call('POST', '/v1/events', { body: orderEvent('c-second', 's1', 20, at) })).status,
    ).toBe(200)
    h.dispatcher.kick()
    await h.dispatcher.idle()
    expect(sent).toEqual(['c-first'])
    const actions = await h.store.use((e) =>
      e.query('SELECT customer_id, status, reason FROM actions_log ORDER BY customer_id'),
    )
    expect(actions).toEqual([
      { customer_id: 'c-first', status: 'sent', reason: null },
      {
        customer_id: expect.stringMatching(/^erased_/),
        status: 'suppressed',
        reason: 'customer_erased',
      },
    ])
  })
})
