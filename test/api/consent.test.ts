// A customer's email opt-out and marketing consent, on both stores: identify traits
// (`unsubscribed: true, marketingConsent: false`) were answered 200 and dropped, so an order then
// sent the marketing welcome, and POST /v1/customers refused `unsubscribed` as an unknown field.
// Now a recognition or marketing email to an unsubscribed customer is suppressed as
// `unsubscribed`, and their messages on any channel without marketing consent as `no_consent`,
// before the contact budget (no slot taken) and again at release; service messages and staff
// tasks still go; opting in again works; a consent that is not true, false or null is a 400.
// A workspace made before the consent columns gets them when it is opened.
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OpsConfigInput } from '../../src/core/ops/config.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import type { Fetch } from '../../src/service/ops/dispatch.ts'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, orderEvent, waitJob } from './harness.ts'

const NOW = Date.parse('2025-03-01T12:00:00Z')
const trigger = { type: 'first_order' } as const
const hook = (id: string, channel: 'email' | 'sms') => ({
  type: 'webhook' as const,
  url: `http://hooks/${id}`,
  channel,
  template: id,
})

// a service email, a recognition email, a marketing SMS with a staff task; two messages a week,
// so a message held back must not use one up
const OPS: OpsConfigInput = {
  playbooks: [
    { id: 'order-help', department: 'service', trigger, actions: [hook('order-help', 'email')] },
    { id: 'thanks', department: 'recognition', trigger, actions: [hook('thanks', 'email')] },
    {
      id: 'welcome',
      department: 'marketing',
      trigger,
      actions: [hook('welcome', 'sms'), { type: 'task', role: 'cx', title: 'Welcome call' }],
    },
  ],
  contactBudget: {
    overall: [{ days: 7, max: 2 }],
    quietHours: { startHour: 21, endHour: 8, channels: ['email'] },
  },
  holdout: { defaultShare: 0 },
}

describe.each(STORES)('consent on $name', (kind) => {
  let h: Harness
  const received: { url: string; body: { customerId: string } }[] = []
  // a receiver that is down for this customer's messages: they stay queued for a retry
  let downFor: string | null = null
  const record: Fetch = async (url, init) => {
    const body = JSON.parse(String(init.body))
    if (body.customerId === downFor) return { ok: false, status: 503 }
    received.push({ url, body })
    return { ok: true, status: 200 }
  }
  beforeAll(async () => {
    h = await harness(kind, { ops: OPS, fetch: record, now: NOW })
  })
  afterAll(() => h?.close())

  let seq = 0
  const identify = (customer: string, traits: Record<string, unknown>) =>
    h.call('POST', '/v1/events', {
      body: { type: 'identify', messageId: `c-${customer}-${seq++}`, userId: customer, traits },
    })
  const order = (customer: string, at = '2025-03-01T11:00:00Z') =>
    h.call('POST', '/v1/events', { body: orderEvent(customer, `o-${customer}`, 30, at) })
  const dispatch = async () => {
    h.dispatcher.kick()
    await h.dispatcher.idle()
  }
  // by playbook and kind: the welcome has a message and a task
  const actions = async (customer: string) =>
    Object.fromEntries(
      (await h.call('GET', `/v1/actions?customer=${customer}`)).json.actions.map(
        (a: { playbookId: string; kind: string; status: string; reason: string | null }) => [
          `${a.playbookId}${a.kind === 'task' ? ':task' : ''}`,
          { status: a.status, reason: a.reason },
        ],
      ),
    )
  const hooksOf = (customer: string) =>
    received.filter((r) => r.body.customerId === customer).map((r) => r.url)
  const consentOf = async (customer: string) =>
    (await h.call('GET', `/v1/customers/${customer}`)).json.consent

  it('holds back recognition and marketing for an unsubscribed customer without consent; service and tasks go', async () => {
    const res = await identify('N6', {
      email: 'n6@example.com',
      unsubscribed: true,
      marketingConsent: false,
      importedMarketingConsent: null,
    })
    expect(res.status).toBe(200)
    expect(await consentOf('N6')).toEqual({
      unsubscribed: true,
      unsubscribedAt: '2025-03-01T12:00:00.000Z',
      marketingConsent: false,
      importedMarketingConsent: null,
    })
    expect((await order('N6')).status).toBe(200)
    await dispatch()
    expect(await actions('N6')).toEqual({
      'order-help': { status: 'sent', reason: null },
      thanks: { status: 'suppressed', reason: 'unsubscribed' },
      welcome: { status: 'suppressed', reason: 'no_consent' },
      'welcome:task': { status: 'task_created', reason: null },
    })
    expect(hooksOf('N6')).toEqual(['http://hooks/order-help'])
    const log = (await h.call('GET', '/v1/actions?customer=N6&playbook=thanks')).json.actions
    expect(log[0].detail).toBe('the customer unsubscribed from email at 2025-03-01T12:00:00.000Z')
  })

  it('keeps the consent through a refit, which rewrites the profiles', async () => {
    const job = await h.call('POST', '/v1/jobs/refit')
    expect(job.status).toBe(202)
    expect((await waitJob(h, job.json.jobId)).status).toBe('succeeded')
    expect(await consentOf('N6')).toEqual({
      unsubscribed: true,
      unsubscribedAt: '2025-03-01T12:00:00.000Z',
      marketingConsent: false,
      importedMarketingConsent: null,
    })
  })

  it('leaves a customer without marketing consent out of the ad audience of their tier', async () => {
    const tier = (await h.call('GET', '/v1/customers/N6')).json.tier?.name
    expect(tier).toBeTruthy()
    const sha = (s: string) => createHash('sha256').update(s).digest('hex')
    const audience = async () =>
      (await h.call('GET', `/v1/audiences/${tier}.csv`, { role: 'analyst' })).text
    expect(await audience()).not.toContain(sha('n6@example.com'))
    // consent given again: back in
    expect((await identify('N6', { marketingConsent: true })).status).toBe(200)
    expect(await audience()).toContain(sha('n6@example.com'))
    expect((await identify('N6', { marketingConsent: false })).status).toBe(200)
  })

  it('takes POST /v1/customers `unsubscribed`; the email held back leaves its slot to an SMS', async () => {
    const res = await h.call('POST', '/v1/customers', {
      body: { customer_id: 'N7', email: 'n7@example.com', unsubscribed: true },
    })
    expect(res.status).toBe(200)
    expect((await consentOf('N7')).unsubscribed).toBe(true)
    expect((await order('N7')).status).toBe(200)
    await dispatch()
    // a cap of 2: the service email and the marketing SMS, which the recognition email outranks
    expect(await actions('N7')).toEqual({
      'order-help': { status: 'sent', reason: null },
      thanks: { status: 'suppressed', reason: 'unsubscribed' },
      welcome: { status: 'sent', reason: null },
      'welcome:task': { status: 'task_created', reason: null },
    })
    const back = await h.call('POST', '/v1/customers', {
      body: { customer_id: 'N7', unsubscribed: false, marketing_consent: true },
    })
    expect(back.status).toBe(200)
    expect(await consentOf('N7')).toEqual({
      unsubscribed: false,
      unsubscribedAt: null,
      marketingConsent: true,
      importedMarketingConsent: null,
    })
  })

  it('opting in again by identify sends the messages again', async () => {
    expect((await identify('N8', { email: 'n8@example.com', emailOptOut: true })).status).toBe(200)
    expect((await consentOf('N8')).unsubscribed).toBe(true)
    // a later call repeating the opt-out keeps its first time; then the customer opts in again
    h.clock.now = NOW + 60_000
    expect((await identify('N8', { unsubscribed: true })).status).toBe(200)
    expect((await consentOf('N8')).unsubscribedAt).toBe('2025-03-01T12:00:00.000Z')
    const again = await identify('N8', { email_opt_out: false, acceptsMarketing: true })
    expect(again.status).toBe(200)
    expect(await consentOf('N8')).toEqual({
      unsubscribed: false,
      unsubscribedAt: null,
      marketingConsent: true,
      importedMarketingConsent: null,
    })
    expect((await order('N8')).status).toBe(200)
    await dispatch()
    expect(hooksOf('N8').sort()).toEqual(['http://hooks/order-help', 'http://hooks/thanks'])
    expect((await actions('N8')).welcome).toEqual({
      status: 'suppressed',
      reason: 'lower_priority',
    })
  })

  it('refuses a consent that is not true, false or null, naming the path, and stores nothing', async () => {
    for (const [traits, path] of [
      [{ unsubscribed: 'yes' }, 'traits.unsubscribed'],
      [{ marketingConsent: 1 }, 'traits.marketingConsent'],
      [{ acceptsMarketing: 'false' }, 'traits.acceptsMarketing'],
      [{ unsubscribed: true, emailOptOut: false }, 'traits.emailOptOut'],
    ] as const) {
      const res = await identify('N10', traits)
      expect(res.status, JSON.stringify(traits)).toBe(400)
      expect(res.json.error.details).toEqual([{ path, reason: expect.any(String) }])
    }
    for (const [body, path, reason] of [
      [
        { customer_id: 'N10', unsubscribed: 'true' },
        'unsubscribed',
        'must be true or false (got "true")',
      ],
      [
        { customer_id: 'N10', unsubscribed: null },
        'unsubscribed',
        'must be true or false (got null)',
      ],
      [
        { customer_id: 'N10', marketing_consent: 'no' },
        'marketing_consent',
        'must be true, false or null (got "no")',
      ],
    ] as const) {
      const res = await h.call('POST', '/v1/customers', { body })
      expect(res.status, JSON.stringify(body)).toBe(400)
      // worded as the identify traits' (was zod's "expected boolean, received string")
      expect(res.json.error.details).toEqual([{ path, reason }])
    }
    expect((await h.call('GET', '/v1/customers/N10')).status).toBe(404)
  })

  it('held for quiet hours, a message is suppressed at release when the customer unsubscribed meanwhile', async () => {
    h.clock.now = Date.parse('2025-03-01T22:00:00Z')
    expect((await identify('N9', { email: 'n9@example.com' })).status).toBe(200)
    expect((await order('N9', '2025-03-01T21:30:00Z')).status).toBe(200)
    expect((await actions('N9')).thanks).toEqual({ status: 'deferred', reason: 'quiet_hours' })
    expect((await identify('N9', { unsubscribed: true })).status).toBe(200)
    h.clock.now = Date.parse('2025-03-02T09:00:00Z')
    await dispatch()
    const log = (await h.call('GET', '/v1/actions?customer=N9')).json.actions
    const thanks = log.find((a: { playbookId: string }) => a.playbookId === 'thanks')
    expect(thanks).toMatchObject({
      status: 'suppressed',
      reason: 'unsubscribed',
      detail:
        'at release 2025-03-02T09:00:00.000Z: the customer unsubscribed from email at 2025-03-01T22:00:00.000Z',
    })
    // the service email held with it still goes
    expect(hooksOf('N9')).toContain('http://hooks/order-help')
    expect(hooksOf('N9')).not.toContain('http://hooks/thanks')
  })

  it('queued for a retry, a message is suppressed at send when the customer unsubscribed or lost their email meanwhile', async () => {
    h.clock.now = Date.parse('2025-03-03T12:00:00Z')
    expect((await identify('N11', { email: 'n11@example.com' })).status).toBe(200)
    downFor = 'N11'
    expect((await order('N11', '2025-03-03T11:00:00Z')).status).toBe(200)
    await dispatch()
    // the receiver answered 503: both messages wait for their retry
    expect(await actions('N11')).toMatchObject({
      'order-help': { status: 'queued' },
      thanks: { status: 'queued' },
    })
    expect((await identify('N11', { unsubscribed: true })).status).toBe(200)
    downFor = null
    h.clock.now = Date.parse('2025-03-03T12:01:00Z')
    await dispatch()
    const log = (await h.call('GET', '/v1/actions?customer=N11')).json.actions
    expect(log.find((a: { playbookId: string }) => a.playbookId === 'thanks')).toMatchObject({
      status: 'suppressed',
      reason: 'unsubscribed',
      detail:
        'at send 2025-03-03T12:01:00.000Z: the customer unsubscribed from email at 2025-03-03T12:00:00.000Z',
    })
    // a service message is not promotion: it goes on its retry
    expect(hooksOf('N11')).toEqual(['http://hooks/order-help'])

    // an email whose customer's address was cleared while it waited
    h.clock.now = Date.parse('2025-03-04T12:00:00Z')
    expect((await identify('N12', { email: 'n12@example.com' })).status).toBe(200)
    downFor = 'N12'
    expect((await order('N12', '2025-03-04T11:00:00Z')).status).toBe(200)
    await dispatch()
    expect((await actions('N12'))['order-help']).toMatchObject({ status: 'queued' })
    const cleared = await identify('N12', { email: null })
    expect(cleared.status).toBe(200)
    downFor = null
    h.clock.now = Date.parse('2025-03-04T12:01:00Z')
    await dispatch()
    expect((await actions('N12'))['order-help']).toEqual({
      status: 'suppressed',
      reason: 'no_email',
    })
    expect(hooksOf('N12')).toEqual([])
  })
})

describe.each(STORES)('a workspace made before consent was kept, on $name', (kind) => {
  it('gets the columns, empty, when opened, and then keeps a consent', async () => {
    const store = await kind.create()
    // the profile table as it was: no consent columns (the index depends on the table)
    const old = await openWorkspace(store.location)
    await old.exec('DROP INDEX customer_profile_id')
    await old.exec('ALTER TABLE customer_profile DROP COLUMN unsubscribed_at')
    await old.exec('ALTER TABLE customer_profile DROP COLUMN marketing_consent')
    await old.exec(`INSERT INTO customer_profile (customer_id, email, orders_count, purchase_days,
      revenue, referrals, reviews, updated_at)
      VALUES ('old', 'old@example.com', 0, 0, 0, 0, 0, TIMESTAMP '2025-01-01 00:00:00')`)
    await old.close()
    let cleaned = false
    const h = await harness(
      {
        name: kind.name,
        create: async () => ({
          location: store.location,
          cleanup: async () => {
            cleaned = true
            await store.cleanup()
          },
        }),
      },
      { now: NOW },
    )
    try {
      const before = await h.call('GET', '/v1/customers/old')
      expect(before.status).toBe(200)
      expect(before.json.email).toBe('old@example.com')
      expect(before.json.consent).toEqual({
        unsubscribed: false,
        unsubscribedAt: null,
        marketingConsent: null,
        importedMarketingConsent: null,
      })
      const res = await h.call('POST', '/v1/events', {
        body: {
          type: 'identify',
          messageId: 'old-1',
          userId: 'old',
          traits: { unsubscribed: true },
        },
      })
      expect(res.status).toBe(200)
      expect((await h.call('GET', '/v1/customers/old')).json.consent.unsubscribed).toBe(true)
    } finally {
      await h.close()
      if (!cleaned) await store.cleanup()
    }
  })
})
