// A customer id of "." or "..": a URL path takes them as steps (also spelled %2E), so GET and
// DELETE /v1/customers/{id} could never reach such a customer, not even to erase them. The API
// refuses them where a customer is named (400), and stores nothing; so it does the shape erasure
// gives a customer (erased_ and 32 hex digits), whose new data DELETE would not erase.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { count, type Harness, harness, orderEvent } from './harness.ts'

const duck = STORES.find((s) => s.name === 'duckdb')!

describe('customer ids "." and ".."', () => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(duck, { now: Date.parse('2025-03-01T12:00:00Z') })
  })
  afterAll(() => h?.close())

  it('are refused as the sender, a customer record or a referred customer', async () => {
    for (const id of ['.', '..', ' .. ']) {
      const order = await h.call('POST', '/v1/events', {
        body: orderEvent(id, `o-${id.trim()}`, 10, '2025-02-01T10:00:00Z'),
      })
      expect(order.status, id).toBe(400)
      expect(order.json.error.details).toContainEqual({
        path: 'userId',
        reason: expect.stringContaining('cannot be named in a URL path'),
      })
      const record = await h.call('POST', '/v1/customers', {
        body: { customer_id: id, email: 'dots@example.com' },
      })
      expect(record.status, id).toBe(400)
    }
    const referral = await h.call('POST', '/v1/events', {
      body: {
        type: 'track',
        messageId: 'ref-dots',
        userId: 'c1',
        event: 'Referral Completed',
        timestamp: '2025-02-01T10:00:00Z',
        properties: { referred_id: '..' },
      },
    })
    expect(referral.status).toBe(400)
    // ids that merely hold dots are ids
    const dotted = await h.call('POST', '/v1/events', {
      body: orderEvent('...', 'o-dots', 10, '2025-02-01T10:00:00Z'),
    })
    expect(dotted.status).toBe(200)
    expect((await h.call('GET', '/v1/customers/...')).status).toBe(200)
    expect(await count(h, 'SELECT count(*) FROM customer_profile')).toBe(1)
  })

  it('of the form erasure gives are refused: DELETE would answer "already erased" and keep the data', async () => {
    const pseudonym = `erased_${'0'.repeat(32)}`
    const identify = await h.call('POST', '/v1/events', {
      body: {
        type: 'identify',
        messageId: 'ps-1',
        userId: pseudonym,
        traits: { email: 'someone@example.com' },
      },
    })
    expect(identify.status).toBe(400)
    expect(identify.json.error.details).toContainEqual({
      path: 'userId',
      reason: expect.stringContaining('names an erased customer'),
    })
    const order = await h.call('POST', '/v1/orders', {
      body: {
        order_id: 'ps-o',
        customer_id: pseudonym,
        ordered_at: '2025-02-01T10:00:00Z',
        amount: 5,
      },
    })
    expect(order.status).toBe(400)
    // erased_ with another tail is an ordinary id
    const near = await h.call('POST', '/v1/events', {
      body: orderEvent('erased_friend', 'o-near', 10, '2025-02-01T10:00:00Z'),
    })
    expect(near.status).toBe(200)
    expect(await count(h, 'SELECT count(*) FROM customer_profile')).toBe(2)
  })

  it('are at most 256 characters as stored (NFC), not as sent', async () => {
    const decomposed = 'e\u0301'.repeat(200) // 400 code units, 200 characters once composed
    const ok = await h.call('POST', '/v1/events', {
      body: orderEvent(decomposed, 'o-nfc', 10, '2025-02-01T10:00:00Z'),
    })
    expect(ok.status).toBe(200)
    expect(
      (await h.call('GET', `/v1/customers/${encodeURIComponent('\u00e9'.repeat(200))}`)).status,
    ).toBe(200)
    const long = await h.call('POST', '/v1/events', {
      body: orderEvent('x'.repeat(257), 'o-long', 10, '2025-02-01T10:00:00Z'),
    })
    expect(long.status).toBe(400)
    expect(long.json.error.details).toContainEqual({
      path: 'userId',
      reason: 'must be at most 256 characters',
    })
  })
})
