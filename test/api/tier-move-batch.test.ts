// A batch that lifts a customer two tiers is one move, from the tier before the call to the tier
// after it, as milestones are (docs/operations.md): it fired a tier_up per step, two "call the new
// Platinum customer" tasks, one of them a stale "welcome to Gold". One order at a time still
// fires each step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, orderEvent } from './harness.ts'

const NOW = Date.parse('2025-03-01T12:00:00Z')
const iso = (ms: number) => new Date(ms).toISOString()
const level = (name: string, priority: number, minValue?: number) => ({
  name,
  ...(minValue === undefined ? {} : { minValue }),
  serviceLevel: { priority, responseTargetMinutes: 60 * priority },
})

describe.each(STORES)('tier moves in a batch on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind, {
      now: NOW,
      // without a model a customer's value is what they paid: Gold from 400, Platinum from 1000
      value: {
        tiers: {
          basis: 'threshold',
          levels: [level('Platinum', 1, 1000), level('Gold', 2, 400), level('Member', 3)],
        },
      },
      ops: {
        holdout: { defaultShare: 0 },
        contactBudget: { quietHours: null, overall: [] },
        playbooks: (['tier_up', 'tier_down'] as const).map((type) => ({
          id: type,
          department: 'service',
          trigger: { type },
          actions: [
            { type: 'webhook', url: 'http://127.0.0.1:9/hook', channel: 'email', template: type },
          ],
        })),
      },
    })
  })
  afterAll(() => h?.close())

  const moves = async (customer: string) =>
    (await h.call('GET', `/v1/actions?customer=${customer}`)).json.actions
      .map((a: { actionKey: string }) => a.actionKey)
      .sort()
  const orders = (customer: string, amounts: number[]) =>
    amounts.map((amount, k) =>
      orderEvent(customer, `${customer}-${k}`, amount, iso(NOW - (9 - k) * 3_600_000)),
    )

  it('four orders in one batch are one move to Platinum; one by one, to Gold and then Platinum', async () => {
    const batch = orders('c-batch', [300, 300, 300, 300])
    expect((await h.call('POST', '/v1/events/batch', { body: { batch } })).status).toBe(200)
    expect(await moves('c-batch')).toEqual(['tier_up:c-batch:tier-new-0-2025-03-01:a0'])
    for (const e of orders('c-one', [300, 300, 300, 300])) {
      expect((await h.call('POST', '/v1/events', { body: e })).status).toBe(200)
    }
    expect(await moves('c-one')).toEqual([
      'tier_up:c-one:tier-1-0-2025-03-01:a0',
      'tier_up:c-one:tier-2-1-2025-03-01:a0',
    ])
  })
})
