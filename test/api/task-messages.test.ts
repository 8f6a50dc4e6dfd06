// What a refused task move says, on both stores: claiming a claimed task names its claimer (even
// the caller's own claim), and a blank outcome is called blank, not "too small".
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness } from './harness.ts'
import { CALL_FIRST } from './task-harness.ts'

describe.each(STORES)('task error messages on $name', (kind) => {
  let h: Harness
  let taskId: string
  beforeAll(async () => {
    h = await harness(kind, { ops: CALL_FIRST })
    const order = { order_id: 'o1', customer_id: 'c1', ordered_at: '2025-03-01T11:00:00Z' }
    expect((await h.call('POST', '/v1/orders', { body: { ...order, amount: 50 } })).status).toBe(
      200,
    )
    const tasks = (await h.call('GET', '/v1/tasks?customer=c1')).json.tasks
    expect(tasks).toHaveLength(1)
    taskId = tasks[0].id
  })
  afterAll(async () => {
    await h.close()
  })

  it('claiming a task someone holds names the claimer, also to the claimer herself', async () => {
    const first = await h.call('POST', `/v1/tasks/${taskId}/claim`, { body: { by: 'alice' } })
    expect(first.status).toBe(200)
    for (const by of ['alice', 'bob']) {
      const again = await h.call('POST', `/v1/tasks/${taskId}/claim`, { body: { by } })
      expect(again.status, by).toBe(409)
      expect(again.json.error).toMatchObject({
        code: 'task_state_error',
        message: `cannot claim task ${taskId}: it is claimed by alice`,
        details: { taskId, status: 'claimed', action: 'claim' },
      })
    }
  })

  it('a blank outcome is refused as blank, and the task stays claimed', async () => {
    for (const outcome of ['  ', '', '\t\n']) {
      const res = await h.call('POST', `/v1/tasks/${taskId}/complete`, {
        body: { by: 'alice', outcome },
      })
      expect(res.status, JSON.stringify(outcome)).toBe(400)
      expect(res.json.error.code).toBe('invalid_request')
      expect(res.text).not.toContain('Too small')
      expect(res.json.error.details).toEqual([
        { path: 'outcome', reason: 'is blank: say what came of the task' },
      ])
    }
    const [t] = (await h.call('GET', '/v1/tasks?customer=c1')).json.tasks
    expect(t).toMatchObject({ status: 'claimed', claimedBy: 'alice', outcome: null })
    const done = await h.call('POST', `/v1/tasks/${taskId}/complete`, {
      body: { by: 'alice', outcome: '  reached  ' },
    })
    expect(done.json).toMatchObject({ status: 'completed', outcome: 'reached' })
  })
})
