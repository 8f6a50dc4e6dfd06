// A detractor's answer reaches a person: a `survey_answered` playbook with `npsAtMost: 6` creates
// a service task when a "Survey Responded" event says NPS 0-6, and nothing for a promoter; a
// retried event fires once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OpsConfigInput } from '../../src/core/ops/config.ts'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness } from './harness.ts'

const NOW = Date.parse('2025-03-01T12:00:00Z')
const OPS: OpsConfigInput = {
  playbooks: [
    {
      id: 'detractor-call',
      department: 'service',
      trigger: { type: 'survey_answered', npsAtMost: 6 },
      actions: [{ type: 'task', role: 'cx', title: 'Call the detractor back', dueInDays: 2 }],
    },
    {
      // CES is agreement that the company made it easy (7 = easiest): a low one was a hard time
      id: 'hard-to-deal-with',
      department: 'service',
      trigger: { type: 'survey_answered', cesAtMost: 3 },
      actions: [{ type: 'task', role: 'cx', title: 'Follow up the hard time', dueInDays: 2 }],
    },
  ],
  holdout: { defaultShare: 0 },
}

describe.each(STORES)('survey_answered on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind, { ops: OPS, now: NOW })
  })
  afterAll(() => h?.close())

  const answer = (customer: string, id: string, properties: Record<string, unknown>) =>
    h.call('POST', '/v1/events', {
      body: {
        type: 'track',
        messageId: id,
        userId: customer,
        event: 'Survey Responded',
        timestamp: '2025-03-01T11:00:00Z',
        properties,
      },
    })
  const tasks = async (customer: string) =>
    (await h.call('GET', `/v1/tasks?customer=${customer}`)).json.tasks as {
      title: string
      status: string
    }[]

  it('creates a task for a detractor, once, and none for a promoter', async () => {
    expect((await answer('D1', 'sv-1', { nps: 3, comment: 'late again' })).status).toBe(200)
    expect((await answer('D1', 'sv-1', { nps: 3, comment: 'late again' })).status).toBe(200)
    expect((await tasks('D1')).map((t) => [t.title, t.status])).toEqual([
      ['Call the detractor back', 'open'],
    ])
    const log = (await h.call('GET', '/v1/actions?customer=D1')).json.actions
    expect(log).toHaveLength(1)
    expect(log[0]).toMatchObject({
      playbookId: 'detractor-call',
      status: 'task_created',
    })
    expect((await answer('P1', 'sv-2', { nps: 10 })).status).toBe(200)
    expect(await tasks('P1')).toEqual([])
  })

  it('follows up a low CES (a hard time), not a high one (an easy time)', async () => {
    expect((await answer('E1', 'sv-5', { ces: 7, comment: 'so easy' })).status).toBe(200)
    expect((await answer('E2', 'sv-6', { ces: 2, comment: 'very hard' })).status).toBe(200)
    expect(await tasks('E1')).toEqual([])
    expect((await tasks('E2')).map((t) => t.title)).toEqual(['Follow up the hard time'])
  })

  it('reads an unanswered question sent as null as not given, and a blank comment as no answer', async () => {
    expect((await answer('D2', 'sv-3', { nps: null, ces: 5 })).status).toBe(200)
    expect((await h.call('GET', '/v1/customers/D2')).json.engagement).toMatchObject({
      nps: null,
      ces: 5,
    })
    expect(await tasks('D2')).toEqual([])
    const blank = await answer('D3', 'sv-4', { comment: '   ' })
    expect(blank.status).toBe(400)
    expect(blank.json.error.details).toEqual([
      { path: 'properties', reason: 'no answer: give nps, ces, csat or comment' },
    ])
  })
})
