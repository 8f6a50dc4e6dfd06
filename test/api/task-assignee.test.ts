// A playbook task given to one person (`assignee`, no role) is listed and answered like any other:
// its role is null, which the answer schema refused (a 500 under response checking).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness } from './harness.ts'

describe.each(STORES)('a task assigned to one person on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind, {
      ops: {
        holdout: { defaultShare: 0 },
        playbooks: [
          {
            id: 'call-first',
            department: 'service',
            trigger: { type: 'first_order' },
            actions: [{ type: 'task', assignee: 'alice', title: 'Call to welcome' }],
          },
        ],
      },
    })
  })
  afterAll(async () => {
    await h.close()
  })

  it('has a null role and answers every task call', async () => {
    const order = { order_id: 'o1', customer_id: 'c1', ordered_at: '2025-03-01T11:00:00Z' }
    expect((await h.call('POST', '/v1/orders', { body: { ...order, amount: 50 } })).status).toBe(
      200,
    )
    const list = await h.call('GET', '/v1/tasks?customer=c1')
    expect(list.status, list.text).toBe(200)
    expect(list.json.tasks).toHaveLength(1)
    const [t] = list.json.tasks
    expect(t).toMatchObject({ role: null, assignee: 'alice', status: 'open' })
    // a blank claimer is refused, one sent with spaces is trimmed (and may then release it)
    const blank = await h.call('POST', `/v1/tasks/${t.id}/claim`, { body: { by: '  ' } })
    expect(blank.status).toBe(400)
    expect(blank.json.error.details).toEqual([
      { path: 'by', reason: 'is blank: name who moves the task' },
    ])
    const claim = await h.call('POST', `/v1/tasks/${t.id}/claim`, { body: { by: ' alice ' } })
    expect(claim.status, claim.text).toBe(200)
    expect(claim.json).toMatchObject({ role: null, claimedBy: 'alice' })
    const release = await h.call('POST', `/v1/tasks/${t.id}/release`, { body: { by: 'alice' } })
    expect(release.status, release.text).toBe(200)
  })
})
