// A best-customer-at-risk task is withdrawn when the customer orders again, on both stores: the
// order's transaction cancels the open or claimed tasks of lapse playbooks (best_at_risk,
// no_order_for, next_purchase_due) opened before it with reason no_longer_applies, so the team
// goal counts them neither done nor missed; other tasks, and a late order placed before the task
// was opened, withdraw nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, orderEvent, VIP_OR_REGULAR } from './harness.ts'

const HOUR = 3_600_000
const iso = (ms: number) => new Date(ms).toISOString()

describe.each(STORES)('withdrawing ended lapse tasks on $name', (kind) => {
  let h: Harness
  const now = Date.parse('2025-06-15T12:00:00Z')
  // biome-ignore lint/suspicious/noExplicitAny: tasks are checked field by field
  const tasksOf = async (c: string): Promise<any[]> =>
    (await h.call('GET', `/v1/tasks?customer=${c}`)).json.tasks
  beforeAll(async () => {
    h = await harness(kind, {
      now,
      value: VIP_OR_REGULAR,
      ops: {
        holdout: { defaultShare: 0 },
        playbooks: [
          {
            id: 'save-best',
            department: 'service',
            priority: 1,
            trigger: { type: 'best_at_risk', gapMultiple: 2 },
            actions: [
              {
                type: 'task',
                role: 'am',
                title: 'Personal call: best customer at risk',
                dueInDays: 3,
                goal: 'save-best-customers',
              },
            ],
          },
          {
            id: 'welcome-first',
            department: 'service',
            trigger: { type: 'first_order' },
            actions: [{ type: 'task', role: 'am', title: 'Call to welcome' }],
          },
        ],
        goals: [
          {
            id: 'save-best-customers',
            title: 'Reach every best customer at risk within 3 days',
            team: 'am',
            withinDays: 3,
          },
        ],
      },
    })
    // three VIP customers 75 days after their last order (usual gap 31 days): at risk
    const batch = ['vip-a', 'vip-b', 'vip-c'].flatMap((c) => [
      orderEvent(c, `${c}-1`, 300, '2025-03-01T12:00:00Z'),
      orderEvent(c, `${c}-2`, 300, '2025-04-01T12:00:00Z'),
    ])
    expect((await h.call('POST', '/v1/events/batch', { body: { batch } })).status).toBe(200)
    const tick = await h.call('POST', '/v1/jobs/tick', { body: {} })
    expect(tick.status).toBe(200)
    // a new customer's welcome task: no lapse task, never withdrawn by an order
    const first = { order_id: 'new-1', customer_id: 'new', ordered_at: iso(now), amount: 20 }
    expect((await h.call('POST', '/v1/orders', { body: first })).status).toBe(200)
  })
  afterAll(async () => {
    await h.close()
  })

  it('an order after the task was opened withdraws it, open or claimed', async () => {
    const [a] = await tasksOf('vip-a')
    const [b] = await tasksOf('vip-b')
    expect(a).toMatchObject({ status: 'open', playbookId: 'save-best' })
    const claimed = await h.call('POST', `/v1/tasks/${b.id}/claim`, { body: { by: 'alice' } })
    expect(claimed.json.status).toBe('claimed')
    h.clock.now = now + HOUR
    for (const c of ['vip-a', 'vip-b']) {
      const order = { order_id: `${c}-3`, customer_id: c, ordered_at: iso(now + HOUR) }
      const res = await h.call('POST', '/v1/orders', { body: { ...order, amount: 6000 } })
      expect(res.status, c).toBe(200)
      const [t] = await tasksOf(c)
      expect(t, c).toMatchObject({
        playbookId: 'save-best',
        status: 'cancelled',
        cancelReason: 'no_longer_applies',
        cancelledAt: iso(now + HOUR),
        completedAt: null,
      })
    }
    // withdrawn, it moves no further
    const done = await h.call('POST', `/v1/tasks/${b.id}/complete`, {
      body: { by: 'alice', outcome: 'reached' },
    })
    expect(done.status).toBe(409)
    expect(done.json.error.details).toMatchObject({ status: 'cancelled', action: 'complete' })
  })

  it('a late order placed before the task was opened, and other tasks, stay as they were', async () => {
    const late = {
      order_id: 'vip-c-late',
      customer_id: 'vip-c',
      ordered_at: iso(now - 24 * HOUR),
      amount: 6000,
    }
    expect((await h.call('POST', '/v1/orders', { body: late })).status).toBe(200)
    const [c] = await tasksOf('vip-c')
    expect(c).toMatchObject({ playbookId: 'save-best', status: 'open', cancelReason: null })
    const second = { order_id: 'new-2', customer_id: 'new', ordered_at: iso(h.clock.now) }
    expect((await h.call('POST', '/v1/orders', { body: { ...second, amount: 20 } })).status).toBe(
      200,
    )
    const [w] = await tasksOf('new')
    expect(w).toMatchObject({ playbookId: 'welcome-first', status: 'open' })
  })

  it('the goal counts a withdrawn task neither done nor missed', async () => {
    h.clock.now = now + 5 * 24 * HOUR
    const goal = (await h.call('GET', '/v1/goals')).json.goals.find(
      (g: { goalId: string }) => g.goalId === 'save-best-customers',
    )
    // vip-c's task alone is eligible, and past the 3-day window: the only miss
    expect(goal).toMatchObject({ eligible: 1, cancelled: 2, completed: 0, pending: 0 })
    expect(goal.overdueOpen).toHaveLength(1)
    expect(goal.onTimeRate).toBe(0)
  })
})
