// An email sent in an identify call or POST /v1/customers is stored as a customers file stores
// it: trimmed, an address in lower case, and a blank one is none ("  Nina.New@Example.COM " went
// to the webhooks as sent).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness } from './harness.ts'

describe.each(STORES)('emails from the API on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind)
  })
  afterAll(() => h?.close())

  it('are trimmed and folded to lower case, and blank is none', async () => {
    const identify = (messageId: string, userId: string, email: string) => ({
      type: 'identify',
      messageId,
      userId,
      traits: { email },
    })
    expect(
      (
        await h.call('POST', '/v1/events', {
          body: identify('m1', 'n1', '  Nina.New@Example.COM '),
        })
      ).status,
    ).toBe(200)
    expect((await h.call('GET', '/v1/customers/n1')).json.email).toBe('nina.new@example.com')
    expect((await h.call('POST', '/v1/events', { body: identify('m2', 'n2', '   ') })).status).toBe(
      200,
    )
    expect((await h.call('GET', '/v1/customers/n2')).json.email).toBeNull()
    const direct = await h.call('POST', '/v1/customers', {
      body: { customer_id: 'n3', email: ' ann@x.com\t' },
    })
    expect(direct.status).toBe(200)
    expect((await h.call('GET', '/v1/customers/n3')).json.email).toBe('ann@x.com')
    // text that is no address is kept as written, as a customers file keeps it
    await h.call('POST', '/v1/customers', { body: { customer_id: 'n4', email: ' Not-An-Email ' } })
    expect((await h.call('GET', '/v1/customers/n4')).json.email).toBe('Not-An-Email')
  })
})
