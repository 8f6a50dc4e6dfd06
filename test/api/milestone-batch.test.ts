// A batch of orders that crosses several milestone thresholds fires only the highest one
// (docs/operations.md), as one evaluation does: the batch is evaluated from the profile before it
// to the one after it. One order at a time still fires each threshold it reaches, also when calls
// sent at once are stored in one group commit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, orderEvent } from './harness.ts'

const NOW = Date.parse('2025-03-01T12:00:00Z')
const iso = (ms: number) => new Date(ms).toISOString()

describe.each(STORES)('milestones in a batch on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind, {
      now: NOW,
      ops: {
        holdout: { defaultShare: 0 },
        contactBudget: { quietHours: null, overall: [] },
        playbooks: [
          {
            id: 'second-order',
            department: 'recognition',
            trigger: { type: 'milestone', orderCounts: [2, 5] },
            actions: [
              {
                type: 'webhook',
                url: 'http://127.0.0.1:9/hook',
                channel: 'email',
                template: 'thanks',
              },
            ],
          },
        ],
      },
    })
  })
  afterAll(() => h?.close())

  const milestones = async (customer: string) =>
    (await h.call('GET', `/v1/actions?playbook=second-order&customer=${customer}`)).json.actions
      .map((a: { actionKey: string }) => a.actionKey)
      .sort()

  it('six orders in one batch fire orders-5 only; one by one they fire orders-2 and orders-5', async () => {
    const batch = [1, 2, 3, 4, 5, 6].map((k) =>
      orderEvent('c-batch', `b-${k}`, 10, iso(NOW - (7 - k) * 60_000)),
    )
    expect((await h.call('POST', '/v1/events/batch', { body: { batch } })).status).toBe(200)
    expect(await milestones('c-batch')).toEqual(['second-order:c-batch:orders-5:a0'])
    for (const k of [1, 2, 3, 4, 5, 6]) {
      const e = orderEvent('c-one', `o-${k}`, 10, iso(NOW - (7 - k) * 60_000))
      expect((await h.call('POST', '/v1/events', { body: e })).status).toBe(200)
    }
    expect(await milestones('c-one')).toEqual([
      'second-order:c-one:orders-2:a0',
      'second-order:c-one:orders-5:a0',
    ])
  })

  it('single calls sent at once fire what they fire one by one, however group commit groups them', async () => {
    // all six in the queue before the first transaction starts: one group of six calls, which
    // was evaluated as one batch (orders-5 only), so orders-2 was lost for good
    const sent = [1, 2, 3, 4, 5, 6].map((k) =>
      h.call('POST', '/v1/events', {
        body: orderEvent('c-many', `m-${k}`, 10, iso(NOW - (7 - k) * 60_000)),
      }),
    )
    for (const r of await Promise.all(sent)) expect(r.status).toBe(200)
    expect(await milestones('c-many')).toEqual([
      'second-order:c-many:orders-2:a0',
      'second-order:c-many:orders-5:a0',
    ])
  })
})
