// What staff wrote when they cancelled a task is free text about a person, as an outcome is: an
// erasure clears it on the erased customer's tasks and names the pseudonym where another
// customer's task mentions the erased email. A referral's code is its referrer's: erasing the
// customer they referred keeps it, erasing the referrer clears it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, orderEvent } from './harness.ts'

const NOW = Date.parse('2025-03-01T12:00:00Z')

describe.each(STORES)('erasure of staff text and referral codes on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind, {
      now: NOW,
      ops: {
        holdout: { defaultShare: 0 },
        contactBudget: { quietHours: null, overall: [] },
        playbooks: [
          {
            id: 'first-call',
            department: 'service',
            trigger: { type: 'first_order' },
            actions: [{ type: 'task', role: 'am', title: 'Welcome call' }],
          },
        ],
      },
    })
  })
  afterAll(() => h?.close())

  const at = new Date(NOW - 60_000).toISOString()
  const post = (body: object) => h.call('POST', '/v1/events', { body })
  const taskOf = async (customer: string) => {
    const [t] = await h.store.use((e) =>
      e.query({ sql: 'SELECT task_id FROM tasks WHERE customer_id = $1', params: [customer] }),
    )
    return String(t?.task_id)
  }

  it("clears the erased customer's cancel reasons and names the pseudonym in others'", async () => {
    const ann = 'ann.novak@example.com'
    for (const [id, email] of [
      ['ann', ann],
      ['ben', 'ben@example.com'],
    ] as const) {
      expect(
        (await post({ type: 'identify', messageId: `id-${id}`, userId: id, traits: { email } }))
          .status,
      ).toBe(200)
      expect((await post(orderEvent(id, `${id}-o1`, 20, at))).status).toBe(200)
    }
    const cancel = (task: string, reason: string) =>
      h.call('POST', `/v1/tasks/${task}/cancel`, { body: { reason } })
    expect(
      (await cancel(await taskOf('ann'), `Ann Novak (${ann}) asked us not to call`)).status,
    ).toBe(200)
    expect((await cancel(await taskOf('ben'), `duplicate of the call about ${ann}`)).status).toBe(
      200,
    )
    const erased = (await h.call('DELETE', '/v1/customers/ann')).json.pseudonym as string
    const reasons = await h.store.use((e) =>
      e.query('SELECT customer_id, cancel_reason FROM tasks ORDER BY customer_id'),
    )
    expect(reasons).toEqual([
      { customer_id: 'ben', cancel_reason: `duplicate of the call about ${erased}` },
      { customer_id: erased, cancel_reason: '(erased)' },
    ])
    const tasks = await h.call('GET', '/v1/tasks?status=cancelled')
    expect(JSON.stringify(tasks.json)).not.toMatch(/ann\.novak|Ann Novak/)
  })

  it("keeps the code of a referrer whose referred customer is erased, and clears an erased referrer's", async () => {
    const refer = (messageId: string, referrer: string, referred: string, code: string) =>
      post({
        type: 'track',
        event: 'Referral Completed',
        messageId,
        userId: referrer,
        timestamp: at,
        properties: { referred_id: referred, code },
      })
    expect((await refer('rf-1', 'cora', 'dan', 'CORA10')).status).toBe(200)
    expect((await refer('rf-2', 'eli', 'fay', 'ELI10')).status).toBe(200)
    const dan = (await h.call('DELETE', '/v1/customers/dan')).json.pseudonym as string
    const eli = (await h.call('DELETE', '/v1/customers/eli')).json.pseudonym as string
    const rows = await h.store.use((e) =>
      e.query('SELECT referrer_id, referred_id, code FROM referrals ORDER BY code NULLS LAST'),
    )
    expect(rows).toEqual([
      { referrer_id: 'cora', referred_id: dan, code: 'CORA10' },
      { referrer_id: eli, referred_id: 'fay', code: null },
    ])
  })
})
