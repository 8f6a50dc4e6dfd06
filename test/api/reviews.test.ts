// "Product Reviewed" events on both stores: reviews of one instant that name their review (or
// product) are distinct reviews, each counted and thanked once, while the same review sent again
// under a new messageId still counts once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { count, type Harness, harness } from './harness.ts'

const at = '2026-12-01T19:00:00Z'
const review = (user: string, messageId: string, properties: Record<string, unknown>) => ({
  type: 'track',
  messageId,
  userId: user,
  event: 'Product Reviewed',
  timestamp: at,
  properties,
})

describe.each(STORES)('reviews of one instant on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind, {
      now: Date.parse('2026-12-01T19:00:05Z'),
      ops: {
        holdout: { defaultShare: 0 },
        contactBudget: { overall: [{ days: 7, max: 10 }], quietHours: null },
        playbooks: [
          {
            id: 'thanks-review',
            department: 'recognition',
            trigger: { type: 'review_posted' },
            actions: [
              { type: 'webhook', url: 'http://127.0.0.1:9/h', channel: 'email', template: 'r' },
            ],
          },
        ],
      },
    })
  })
  afterAll(async () => {
    await h.close()
  })

  const reviews = async (user: string) =>
    (await h.call('GET', `/v1/customers/${user}`)).json.engagement.reviews
  const thanked = async (user: string) =>
    (await h.call('GET', `/v1/actions?customer=${user}&limit=100`)).json.actions.length
  const rows = (user: string) =>
    count(h, 'SELECT count(*) FROM engagement_events WHERE customer_id = $1', [user])

  it('counts each review its review_id (else product_id) names, once', async () => {
    const batch = [1, 2, 3].map((i) =>
      review('u5', `m-${i}`, { review_id: `REV-${i}`, product_id: `prod-${i}`, rating: 5 }),
    )
    expect((await h.call('POST', '/v1/events/batch', { body: { batch } })).json.stored).toBe(3)
    expect(await reviews('u5')).toBe(3)
    expect(await thanked('u5')).toBe(3)
    expect(await rows('u5')).toBe(3)
    // REV-2 again under a new messageId (its product named differently): the same review
    const again = review('u5', 'm-2b', { review_id: 'REV-2', product_id: 'other', rating: 5 })
    expect((await h.call('POST', '/v1/events', { body: again })).status).toBe(200)
    expect([await reviews('u5'), await thanked('u5'), await rows('u5')]).toEqual([3, 3, 3])

    // without a review_id, the product names the review
    const byProduct = [
      review('u6', 'p-1', { product_id: 'prod-1' }),
      review('u6', 'p-2', { product_id: 'prod-2' }),
      review('u6', 'p-1b', { product_id: 'prod-1' }),
    ]
    await h.call('POST', '/v1/events/batch', { body: { batch: byProduct } })
    expect([await reviews('u6'), await thanked('u6'), await rows('u6')]).toEqual([2, 2, 2])

    // naming nothing, two events of one instant are still the same facts: one review
    const bare = [review('u7', 'b-1', { rating: 4 }), review('u7', 'b-2', { rating: 4 })]
    await h.call('POST', '/v1/events/batch', { body: { batch: bare } })
    expect([await reviews('u7'), await thanked('u7'), await rows('u7')]).toEqual([1, 1, 1])

    // a review a file import stored for that instant is the one an event names: left out
    await h.engine.exec({
      sql: `INSERT INTO engagement_events (event_key, customer_id, occurred_at, occurred_date, event, source)
VALUES ('imported-1', 'u8', CAST($1 AS TIMESTAMP), CAST('2026-12-01' AS DATE), 'review', 'engagement.csv')`,
      params: ['2026-12-01 19:00:00'],
    })
    await h.call('POST', '/v1/events', { body: review('u8', 'i-1', { review_id: 'REV-9' }) })
    expect([await thanked('u8'), await rows('u8')]).toEqual([0, 1])
  })
})
