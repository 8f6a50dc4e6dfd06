// Two messages held for quiet hours (two reviews sent apart, one playbook) where the budget has room
// for one: at release the one that loses its slot is suppressed as lower_priority, and its detail
// names the playbook that took the slot, as the same decision at event time does (it said only
// "went to higher-priority actions").
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OpsConfigInput } from '../../src/core/ops/config.ts'
import { STORES, type StoreKind } from '../engines/stores.ts'
import {
  type Harness,
  harness,
  identifyEvent,
  ONE_A_WEEK_QUIET_NIGHTS,
  orderEvent,
} from './harness.ts'

const webhook = (template: string) => ({
  type: 'webhook' as const,
  url: `http://hooks/${template}`,
  channel: 'email' as const,
  template,
})

/** A server at 22:00 (quiet hours for email) with one contact a week, no holdout, `playbook`. */
const nightHarness = (
  kind: StoreKind,
  playbook: NonNullable<OpsConfigInput['playbooks']>[number],
): Promise<Harness> =>
  harness(kind, {
    now: Date.parse('2025-03-01T22:00:00Z'),
    fetch: async () => ({ ok: true, status: 200 }),
    ops: {
      holdout: { defaultShare: 0 },
      contactBudget: ONE_A_WEEK_QUIET_NIGHTS,
      playbooks: [playbook],
    },
  })

describe.each(STORES)('a held message that loses its slot at release, on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await nightHarness(kind, {
      id: 'thanks-review',
      department: 'recognition',
      trigger: { type: 'review_posted' },
      actions: [webhook('thanks')],
    })
  })
  afterAll(() => h?.close())

  it('is suppressed with the winning playbook named', async () => {
    expect((await h.call('POST', '/v1/events', { body: identifyEvent('c1') })).status).toBe(200)
    for (const id of ['r1', 'r2']) {
      const review = {
        type: 'track',
        messageId: `rev-${id}`,
        userId: 'c1',
        event: 'Product Reviewed',
        timestamp: '2025-03-01T21:59:00Z',
        properties: { review_id: id, product_id: 'p1', rating: 5 },
      }
      expect((await h.call('POST', '/v1/events', { body: review })).status).toBe(200)
    }
    const list = async () =>
      Object.fromEntries(
        (await h.call('GET', '/v1/actions?customer=c1')).json.actions.map(
          (a: {
            actionKey: string
            playbookId: string
            status: string
            reason: string | null
            detail: string
          }) => [
            a.actionKey,
            { playbook: a.playbookId, status: a.status, reason: a.reason, detail: a.detail },
          ],
        ),
      )
    const held = await list()
    expect(Object.values(held).map((a) => (a as { status: string }).status)).toEqual([
      'deferred',
      'deferred',
    ])
    h.clock.now = Date.parse('2025-03-02T09:00:00Z')
    h.dispatcher.kick()
    await h.dispatcher.idle()
    const after = await list()
    const lost = Object.entries(after).filter(([, a]) => a.status === 'suppressed')
    const won = Object.entries(after).filter(([, a]) => a.status === 'sent')
    expect(lost).toHaveLength(1)
    expect(won).toHaveLength(1)
    expect(lost[0]![1]).toEqual({
      playbook: 'thanks-review',
      status: 'suppressed',
      reason: 'lower_priority',
      detail: `at release 2025-03-02T09:00:00.000Z: the one contact allowed per 7 days went to higher-priority actions: thanks-review`,
    })
  })
})

// The same at release for a sequence step, which is deferred rather than suppressed: its detail
// named no playbook ("went to higher-priority actions; a sequence step is not dropped ...").
describe.each(STORES)('a sequence step that loses its slot at release, on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await nightHarness(kind, {
      id: 'welcome-seq',
      department: 'marketing',
      trigger: { type: 'onboarding', steps: [{ delayDays: 0 }, { delayDays: 0 }] },
      actions: [webhook('tip')],
    })
  })
  afterAll(() => h?.close())

  it('is deferred again with the playbook that took the slot named', async () => {
    expect((await h.call('POST', '/v1/events', { body: identifyEvent('c2') })).status).toBe(200)
    const order = orderEvent('c2', 'c2-o1', 30, '2025-03-01T22:00:00Z')
    expect((await h.call('POST', '/v1/events', { body: order })).status).toBe(200)
    const step = (k: number) => `welcome-seq:c2:onboarding-step-${k}:a0`
    const byKey = async () =>
      Object.fromEntries(
        (await h.call('GET', '/v1/actions?customer=c2')).json.actions.map(
          (a: { actionKey: string; status: string; reason: string | null; detail: string }) => [
            a.actionKey,
            a,
          ],
        ),
      )
    expect((await byKey())[step(2)]).toMatchObject({ status: 'deferred' })
    h.clock.now = Date.parse('2025-03-02T09:00:00Z')
    h.dispatcher.kick()
    await h.dispatcher.idle()
    const after = await byKey()
    expect(after[step(1)]).toMatchObject({ status: 'sent' })
    expect(after[step(2)]).toMatchObject({ status: 'deferred', reason: 'lower_priority' })
    expect(after[step(2)].detail).toMatch(
      /^the one contact allowed per 7 days went to higher-priority actions; a sequence step is not dropped: it waits until \S+: welcome-seq$/,
    )
  })
})
