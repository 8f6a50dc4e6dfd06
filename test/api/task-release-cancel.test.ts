// Releasing and cancelling staff tasks through the API on both stores: the life cycle of
// docs/operations.md (claimed → open by its claimer; open or claimed → cancelled with a reason),
// with the permissions, 404 and 409 answers of claim and complete, and goals that leave a
// cancelled task out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness } from './harness.ts'
import { CALL_FIRST } from './task-harness.ts'

describe.each(STORES)('task release and cancel on $name', (kind) => {
  let h: Harness
  const ids: Record<string, string> = {}
  beforeAll(async () => {
    h = await harness(kind, { ops: CALL_FIRST })
    for (const c of ['c1', 'c2', 'c3']) {
      const body = {
        order_id: `o-${c}`,
        customer_id: c,
        ordered_at: '2025-03-01T11:00:00Z',
        amount: 50,
      }
      expect((await h.call('POST', '/v1/orders', { body })).status).toBe(200)
      const [t] = (await h.call('GET', `/v1/tasks?customer=${c}`)).json.tasks
      ids[c] = t.id
    }
  })
  afterAll(async () => {
    await h.close()
  })

  it("releases a task claimed by someone away back to open, in the claimer's name", async () => {
    const id = ids.c1!
    expect((await h.call('POST', `/v1/tasks/${id}/claim`, { body: { by: 'alice' } })).status).toBe(
      200,
    )
    // only the claimer releases; the lead's key acts for her by naming her
    const other = await h.call('POST', `/v1/tasks/${id}/release`, { body: { by: 'bob' } })
    expect(other.status).toBe(409)
    expect(other.json.error).toMatchObject({
      code: 'task_state_error',
      message: `cannot release task ${id}: it is claimed by alice`,
      details: { taskId: id, status: 'claimed', action: 'release' },
    })
    const released = await h.call('POST', `/v1/tasks/${id}/release`, {
      role: 'service',
      body: { by: 'alice' },
    })
    expect(released.status).toBe(200)
    expect(released.json).toMatchObject({
      id,
      status: 'open',
      claimedBy: null,
      claimedAt: null,
      cancelledAt: null,
      cancelReason: null,
    })
    // open again: anyone in the role claims it; an open task cannot be released
    const again = await h.call('POST', `/v1/tasks/${id}/release`, { body: { by: 'alice' } })
    expect(again.status).toBe(409)
    expect(again.json.error.message).toBe(`cannot release task ${id}: it is open`)
    const bob = await h.call('POST', `/v1/tasks/${id}/claim`, { body: { by: 'bob' } })
    expect(bob.json).toMatchObject({ status: 'claimed', claimedBy: 'bob' })
    // without a body: as the key's name, who is not the claimer
    const keyName = await h.call('POST', `/v1/tasks/${id}/release`)
    expect(keyName.status).toBe(409)
    expect(keyName.json.error.message).toContain('claimed by bob')
  })

  it('cancels an open or a claimed task with a reason; it then counts toward no goal', async () => {
    const open = await h.call('POST', `/v1/tasks/${ids.c2}/cancel`, {
      role: 'service',
      body: { reason: '  duplicate of another call  ' },
    })
    expect(open.status).toBe(200)
    expect(open.json).toMatchObject({
      id: ids.c2,
      status: 'cancelled',
      cancelReason: 'duplicate of another call',
      cancelledAt: new Date(h.clock.now).toISOString(),
    })
    await h.call('POST', `/v1/tasks/${ids.c3}/claim`, { body: { by: 'alice' } })
    const claimed = await h.call('POST', `/v1/tasks/${ids.c3}/cancel`, {
      body: { reason: 'customer asked not to be called' },
    })
    expect(claimed.json).toMatchObject({ status: 'cancelled', claimedBy: 'alice' })
    // a cancelled task moves no further
    for (const [action, body] of [
      ['cancel', { reason: 'again' }],
      ['claim', { by: 'bob' }],
      ['release', { by: 'alice' }],
      ['complete', { by: 'alice', outcome: 'reached' }],
    ] as const) {
      const res = await h.call('POST', `/v1/tasks/${ids.c3}/${action}`, { body })
      expect(res.status, action).toBe(409)
      expect(res.json.error).toMatchObject({
        code: 'task_state_error',
        details: { taskId: ids.c3, status: 'cancelled', action },
      })
    }
    const listed = (await h.call('GET', '/v1/tasks?status=cancelled')).json.tasks
    expect(listed.map((t: { id: string }) => t.id).sort()).toEqual([ids.c2, ids.c3].sort())
    const [goal] = (await h.call('GET', '/v1/goals')).json.goals
    expect(goal).toMatchObject({ goalId: 'call-new', eligible: 1, cancelled: 2, pending: 1 })
  })

  it('a completed task cannot be cancelled; a blank reason is a 400', async () => {
    const id = ids.c1!
    await h.call('POST', `/v1/tasks/${id}/complete`, { body: { by: 'bob', outcome: 'reached' } })
    const res = await h.call('POST', `/v1/tasks/${id}/cancel`, { body: { reason: 'late' } })
    expect(res.status).toBe(409)
    expect(res.json.error.message).toBe(`cannot cancel task ${id}: it is completed`)
    const blank = await h.call('POST', `/v1/tasks/${ids.c2}/cancel`, { body: { reason: ' ' } })
    expect(blank.status).toBe(400)
    expect(blank.json.error.details).toEqual([
      { path: 'reason', reason: 'is blank: say why the task is cancelled' },
    ])
    expect((await h.call('POST', `/v1/tasks/${ids.c2}/cancel`, { body: {} })).status).toBe(400)
    // no body at all: the field it needs is named (it was `'': required`)
    const none = await h.call('POST', `/v1/tasks/${ids.c2}/cancel`)
    expect(none.status).toBe(400)
    expect(none.json.error.details).toEqual([{ path: 'reason', reason: 'required' }])
    // and a rank entry left without its waitingSince is told it is required, not its format
    const rank = await h.call('POST', '/v1/service/rank', {
      body: { queue: [{ customerId: 'c' }] },
    })
    expect(rank.status).toBe(400)
    expect(rank.json.error.details).toEqual([{ path: 'queue[0].waitingSince', reason: 'required' }])
  })

  it('an unknown task is a 404; the tasks permission is needed; OpenAPI lists both', async () => {
    for (const [action, body] of [
      ['release', { by: 'alice' }],
      ['cancel', { reason: 'x' }],
    ] as const) {
      const missing = await h.call('POST', `/v1/tasks/none/${action}`, { body })
      expect(missing.status, action).toBe(404)
      expect(missing.json.error).toMatchObject({ code: 'not_found', message: 'no task "none"' })
      const analyst = await h.call('POST', `/v1/tasks/none/${action}`, { role: 'analyst', body })
      expect(analyst.status, action).toBe(403)
      const doc = (await h.call('GET', '/openapi.json', { role: null })).json
      const op = doc.paths[`/v1/tasks/{id}/${action}`].post
      expect(op['x-roles']).toEqual(['admin', 'service'])
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '404', '409']))
    }
  })
})
