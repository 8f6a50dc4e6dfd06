// Audit round 2 on `loyals serve` ingestion: survey, referral, engagement, ticket and return events
// reach the tables `loyals import` fills (keyed so a resend or an import of the same row stores
// once), an order sent again with other content is refused instead of silently dropped, and an
// unknown time zone is a 400.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { STORES } from '../engines/stores.ts'
import { tempDir } from '../helpers/cli.ts'
import { write } from '../import/helpers.ts'
import { count, type Harness, harness, orderEvent } from './harness.ts'

const NOW = Date.parse('2025-03-01T12:00:00Z')

const track = (
  user: string,
  event: string,
  properties: Record<string, unknown>,
  messageId: string,
  timestamp = '2025-02-10T09:30:00Z',
) => ({ type: 'track', messageId, userId: user, event, timestamp, properties })

/** The value-input events of one customer, each once (messageIds prefixed with `p`). */
const inputs = (p: string) => [
  track('c1', 'Survey Responded', { nps: 9, ces: 2, comment: 'quick' }, `${p}-s`),
  track('c1', 'Referral Completed', { referred_id: 'c9', code: 'REF1' }, `${p}-f`),
  track('c1', 'Product Reviewed', { product_id: 'p1', rating: 5 }, `${p}-v`),
  track('c1', 'Email Opened', {}, `${p}-eo`),
  track('c1', 'Email Link Clicked', {}, `${p}-ec`),
  track('c1', 'Page Viewed', {}, `${p}-pv`),
  track('c1', 'Product Shared', {}, `${p}-ps`),
  track('c1', 'Coupon Applied', {}, `${p}-ca`),
  track('c1', 'Order Returned', { order_id: 'o1', amount: 12.5, reason: 'too small' }, `${p}-r`),
  track('c1', 'Ticket Created', { ticket_id: 't1', channel: 'email' }, `${p}-tc`),
  track(
    'c1',
    'Ticket Resolved',
    { ticket_id: 't1', handling_minutes: 14, satisfaction: 4 },
    `${p}-tr`,
    '2025-02-11T10:00:00Z',
  ),
]

const TABLES = ['survey_responses', 'referrals', 'engagement_events', 'returns', 'tickets']

describe.each(STORES)('value-input events through the API on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind, { now: NOW })
    const first = await h.call('POST', '/v1/events', {
      body: orderEvent('c1', 'o1', 40, '2025-02-01T10:00:00Z', 'o1-first'),
    })
    expect(first.status).toBe(200)
  })
  afterAll(async () => {
    await h.close()
  })

  const rows = (sql: string) => h.store.use((e) => e.query(sql))
  const counts = async () => {
    const out: Record<string, number> = {}
    for (const t of TABLES) out[t] = await count(h, `SELECT count(*) FROM ${t}`)
    return out
  }

  it('writes surveys, referrals, engagement, returns and tickets into the import tables, once', async () => {
    const res = await h.call('POST', '/v1/events/batch', { body: { batch: inputs('a') } })
    expect(res.status).toBe(200)
    expect(res.json.stored).toBe(11)
    expect(await counts()).toEqual({
      survey_responses: 1,
      referrals: 1,
      engagement_events: 6,
      returns: 1,
      tickets: 1,
    })
    const [s] = await rows('SELECT customer_id, nps, ces, comment FROM survey_responses')
    expect(s).toMatchObject({ customer_id: 'c1', nps: 9, ces: 2, comment: 'quick' })
    const [f] = await rows('SELECT referral_key, referrer_id, referred_id, code FROM referrals')
    expect(f).toMatchObject({
      referral_key: 'c1 > c9',
      referrer_id: 'c1',
      referred_id: 'c9',
      code: 'REF1',
    })
    const types = (await rows('SELECT event FROM engagement_events ORDER BY event')).map(
      (r) => r.event,
    )
    expect(types).toEqual([
      'email_click',
      'email_open',
      'promo_redemption',
      'review',
      'site_visit',
      'social_share',
    ])
    const [r] = await rows('SELECT order_id, customer_id, amount, reason FROM returns')
    expect(r).toMatchObject({ order_id: 'o1', customer_id: 'c1', reason: 'too small' })
    expect(Number(r!.amount)).toBe(12.5)
    const [t] = await rows(
      `SELECT ticket_id, customer_id, channel, handling_minutes, satisfaction,
        CAST(opened_at AS VARCHAR) AS opened, CAST(resolved_at AS VARCHAR) AS resolved FROM tickets`,
    )
    expect(t).toMatchObject({ ticket_id: 't1', customer_id: 'c1', channel: 'email' })
    expect(Number(t!.handling_minutes)).toBe(14)
    expect(Number(t!.satisfaction)).toBe(4)
    expect(String(t!.opened)).toMatch(/^2025-02-10 09:30:00/)
    expect(String(t!.resolved)).toMatch(/^2025-02-11 10:00:00/)
    const p = (await h.call('GET', '/v1/customers/c1')).json
    expect(p.engagement).toEqual({ referrals: 1, reviews: 1, nps: 9, ces: 2 })

    // retried (same messageIds): duplicates; the same facts under new messageIds: no new rows,
    // and the referral already made is not counted again on the profile
    const again = await h.call('POST', '/v1/events/batch', { body: { batch: inputs('a') } })
    expect(again.json.duplicates).toBe(11)
    const resent = await h.call('POST', '/v1/events/batch', { body: { batch: inputs('b') } })
    expect(resent.json.stored).toBe(11)
    expect(await counts()).toEqual({
      survey_responses: 1,
      referrals: 1,
      engagement_events: 6,
      returns: 1,
      tickets: 1,
    })
    // nor the review: the profile counts what the tables hold
    expect((await h.call('GET', '/v1/customers/c1')).json.engagement).toEqual({
      referrals: 1,
      reviews: 1,
      nps: 9,
      ces: 2,
    })
  })

  it("stores each row's UTC day beside its instant; an imported ticket keeps its local day", async () => {
    const late = '2025-02-12T23:30:00Z'
    const batch = [
      track('c6', 'Survey Responded', { nps: 8 }, 'd-s', late),
      track('c6', 'Referral Completed', { referred_id: 'c8' }, 'd-f', late),
      track('c6', 'Email Opened', {}, 'd-e', late),
      track('c6', 'Order Returned', { order_id: 'o6', amount: 3 }, 'd-r', late),
      track('c6', 'Ticket Created', { ticket_id: 't6' }, 'd-t', late),
    ]
    expect((await h.call('POST', '/v1/events/batch', { body: { batch } })).status).toBe(200)
    const days = await rows(`
      SELECT CAST(responded_date AS VARCHAR) AS d FROM survey_responses WHERE customer_id = 'c6'
      UNION ALL SELECT CAST(referred_date AS VARCHAR) FROM referrals WHERE referrer_id = 'c6'
      UNION ALL SELECT CAST(occurred_date AS VARCHAR) FROM engagement_events WHERE customer_id = 'c6'
      UNION ALL SELECT CAST(returned_date AS VARCHAR) FROM returns WHERE customer_id = 'c6'
      UNION ALL SELECT CAST(opened_date AS VARCHAR) FROM tickets WHERE customer_id = 'c6'`)
    expect(days.map((r) => r.d)).toEqual(Array(5).fill('2025-02-12'))

    // imported as opened 21:00 in New York on the 12th (02:00 UTC on the 13th): resolving it
    // keeps that day
    await h.store.use((e) =>
      e.exec(`INSERT INTO tickets (ticket_id, customer_id, opened_at, opened_date, source)
        VALUES ('t7', 'c6', TIMESTAMP '2025-02-13 02:00:00', DATE '2025-02-12', 't.csv')`),
    )
    const resolve = (id: string, props: Record<string, unknown>) =>
      h.call('POST', '/v1/events', {
        body: track(
          'c6',
          'Ticket Resolved',
          { ticket_id: 't7', ...props },
          id,
          '2025-02-14T00:00:00Z',
        ),
      })
    const opened = async () =>
      (
        await rows("SELECT CAST(opened_date AS VARCHAR) AS d FROM tickets WHERE ticket_id = 't7'")
      )[0]?.d
    expect((await resolve('d-t7', { satisfaction: 5 })).status).toBe(200)
    expect(await opened()).toBe('2025-02-12')
    // an event that moves the open time dates it by its UTC day
    expect((await resolve('d-t7b', { opened_at: '2025-02-13T01:00:00Z' })).status).toBe(200)
    expect(await opened()).toBe('2025-02-13')
  })

  it('refuses another answer under a stored response id (422, the stored one kept); a self-referral counts for nothing', async () => {
    const answer = (nps: number, id: string, user = 'c5') =>
      track(user, 'Survey Responded', { response_id: 'S1', nps }, id, '2025-02-12T09:00:00Z')
    await h.call('POST', '/v1/events', {
      body: orderEvent('c5', 'o5', 10, '2025-02-01T10:00:00Z', 'o5'),
    })
    expect((await h.call('POST', '/v1/events', { body: answer(6, 's1-a') })).status).toBe(200)
    // the same answer under a new messageId is a retry: stored once, also sent at another time
    // (a file gives a day where the API gives an instant)
    expect((await h.call('POST', '/v1/events', { body: answer(6, 's1-a2') })).status).toBe(200)
    const later = { ...answer(6, 's1-a3'), timestamp: '2025-02-12T18:30:00Z' }
    expect((await h.call('POST', '/v1/events', { body: later })).status).toBe(200)
    const other = await h.call('POST', '/v1/events', { body: answer(7, 's1-b') })
    expect(other.status).toBe(422)
    expect(other.json.error.message).toMatch(
      /survey answer S1 is stored with another nps: nps 6 \(sent: 7\)/,
    )
    const elsewhere = await h.call('POST', '/v1/events', { body: answer(2, 's1-c', 'c6') })
    expect(elsewhere.status).toBe(422)
    expect(elsewhere.json.error.message).toMatch(
      /another customer and nps: customer "c5" \(sent: "c6"\)/,
    )
    // two answers of one id in a batch, the second other: the batch is refused
    const batch = await h.call('POST', '/v1/events/batch', {
      body: {
        batch: [
          { ...answer(8, 's9-a'), properties: { response_id: 'S9', nps: 8 } },
          { ...answer(3, 's9-b'), properties: { response_id: 'S9', nps: 3 } },
        ],
      },
    })
    expect(batch.status).toBe(422)
    const stored = await rows(
      "SELECT customer_id, nps FROM survey_responses WHERE response_id IN ('S1', 'S9')",
    )
    expect(stored.map((r) => [r.customer_id, Number(r.nps)])).toEqual([['c5', 6]])
    expect((await h.call('GET', '/v1/customers/c5')).json.engagement.nps).toBe(6)
    // a return under a stored return id with another amount is refused the same way
    const ret = (amount: number, id: string) =>
      track(
        'c5',
        'Order Returned',
        { order_id: 'o5', return_id: 'R5', amount },
        id,
        '2025-02-13T09:00:00Z',
      )
    expect((await h.call('POST', '/v1/events', { body: ret(4, 'r5-a') })).status).toBe(200)
    const r2 = await h.call('POST', '/v1/events', { body: ret(5, 'r5-b') })
    expect(r2.status).toBe(422)
    expect(r2.json.error.message).toMatch(
      /return R5 is stored with another amount: amount 4 \(sent: 5\)/,
    )
    const [r] = await rows("SELECT amount FROM returns WHERE return_id = 'R5'")
    expect(Number(r!.amount)).toBe(4)
    const self = track('c5', 'Referral Completed', { referred_id: 'c5' }, 'self-ref')
    expect((await h.call('POST', '/v1/events', { body: self })).status).toBe(200)
    expect((await h.call('GET', '/v1/customers/c5')).json.engagement).toMatchObject({
      nps: 6,
      referrals: 0,
    })
  })

  it('completes a ticket from its events in any order, and refuses a clash', async () => {
    const resolved = await h.call('POST', '/v1/events', {
      body: track(
        'c2',
        'Ticket Resolved',
        { ticket_id: 't2', satisfaction: 2 },
        't2-r',
        '2025-02-20T12:00:00Z',
      ),
    })
    expect(resolved.status).toBe(200)
    await h.call('POST', '/v1/events', {
      body: track(
        'c2',
        'Ticket Created',
        { ticket_id: 't2', channel: 'phone' },
        't2-c',
        '2025-02-20T08:00:00Z',
      ),
    })
    const [t] = await rows(
      `SELECT channel, satisfaction, CAST(opened_at AS VARCHAR) AS opened,
        CAST(resolved_at AS VARCHAR) AS resolved FROM tickets WHERE ticket_id = 't2'`,
    )
    expect(t).toMatchObject({ channel: 'phone' })
    expect(Number(t!.satisfaction)).toBe(2)
    expect(String(t!.opened)).toMatch(/^2025-02-20 08:00:00/)
    expect(String(t!.resolved)).toMatch(/^2025-02-20 12:00:00/)
    expect(await count(h, "SELECT count(*) FROM tickets WHERE ticket_id = 't2'")).toBe(1)

    const before = await count(h, 'SELECT count(*) FROM events')
    const clash = await h.call('POST', '/v1/events/batch', {
      body: {
        batch: [
          track('c3', 'Email Opened', {}, 'c3-eo'),
          track('c3', 'Ticket Created', { ticket_id: 't2' }, 'c3-t2'),
        ],
      },
    })
    expect(clash.status).toBe(422)
    expect(clash.json.error.message).toMatch(/ticket t2 belongs to customer c2, not c3/)
    const early = await h.call('POST', '/v1/events', {
      body: track(
        'c2',
        'Ticket Resolved',
        { ticket_id: 't2', resolved_at: '2025-02-19T00:00:00Z' },
        't2-early',
      ),
    })
    expect(early.status).toBe(422)
    expect(early.json.error.message).toMatch(/before it was opened/)
    expect(await count(h, 'SELECT count(*) FROM events')).toBe(before)
    expect(await count(h, "SELECT count(*) FROM engagement_events WHERE customer_id = 'c3'")).toBe(
      0,
    )
  })

  it('refuses bad value-input events with a 400 naming the field', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['Order Returned', { amount: 5 }, 'properties.order_id'],
      ['Order Returned', { order_id: 'o1' }, 'properties.amount'],
      ['Order Returned', { order_id: 'o1', amount: -1 }, 'properties.amount'],
      ['Ticket Created', { channel: 'chat' }, 'properties.ticket_id'],
      ['Ticket Resolved', { ticket_id: 't9', satisfaction: 6 }, 'properties.satisfaction'],
      ['Ticket Resolved', { ticket_id: 't9', handling_minutes: -3 }, 'properties.handling_minutes'],
      ['Ticket Created', { ticket_id: 't9', opened_at: 'monday' }, 'properties.opened_at'],
      [
        'Ticket Created',
        { ticket_id: 't9', opened_at: '2025-06-01T00:00:00Z' },
        'properties.opened_at',
      ],
      ['Referral Completed', { code: 'X' }, 'properties.referred_id'],
      ['Survey Responded', { topic: 'delivery' }, 'properties'],
      ['Survey Responded', { ces: 4.5 }, 'properties.ces'],
    ]
    for (const [event, properties, path] of cases) {
      const res = await h.call('POST', '/v1/events', {
        body: track('c1', event, properties, `bad-${event}-${path}`),
      })
      expect(res.status, `${event} ${JSON.stringify(properties)}`).toBe(400)
      expect(res.json.error.details.map((d: { path: string }) => d.path)).toContain(path)
    }
    expect(await count(h, "SELECT count(*) FROM events WHERE event_id LIKE 'bad-%'")).toBe(0)
    // a score out of range is said in words, as NPS and CES are
    for (const [event, properties, said] of [
      ['Survey Responded', { csat: 6 }, 'CSAT must be a number from 1 to 5'],
      [
        'Ticket Resolved',
        { ticket_id: 't9', satisfaction: 0 },
        'satisfaction must be a number from 1 to 5',
      ],
      // the bound a tickets file has (a week on one ticket): seconds sent as minutes
      [
        'Ticket Resolved',
        { ticket_id: 't9', handling_minutes: 20_000 },
        'more than a week of work (10,080 minutes) on one ticket: are they seconds? Send minutes',
      ],
    ] as const) {
      const res = await h.call('POST', '/v1/events', {
        body: track('c1', event, properties, `bad-words-${event}`),
      })
      expect(res.status).toBe(400)
      expect(res.json.error.details.map((d: { reason: string }) => d.reason)).toContain(said)
    }
  })

  it('refuses an order sent again with another amount or time, and keeps the first', async () => {
    const before = await count(h, 'SELECT count(*) FROM events')
    const other = await h.call('POST', '/v1/events/batch', {
      body: {
        batch: [
          orderEvent('c1', 'o-new', 5, '2025-02-15T10:00:00Z', 'o-new-1'),
          orderEvent('c1', 'o1', 41, '2025-02-02T10:00:00Z', 'o1-changed'),
        ],
      },
    })
    expect(other.status).toBe(422)
    expect(other.json.error.message).toMatch(/order o1 is stored with another amount and time/)
    expect(other.json.error.details).toMatchObject({
      orderId: 'o1',
      differs: [
        { field: 'amount', stored: 40, sent: 41 },
        { field: 'time', stored: '2025-02-01T10:00:00.000Z', sent: '2025-02-02T10:00:00.000Z' },
      ],
    })
    expect(await count(h, 'SELECT count(*) FROM events')).toBe(before)
    expect(await count(h, "SELECT count(*) FROM orders WHERE order_id = 'o-new'")).toBe(0)
    // a new order id given two amounts in one batch: neither is stored, so the message names the
    // event that sent it first rather than calling it stored
    const twoAmounts = await h.call('POST', '/v1/events/batch', {
      body: {
        batch: [
          orderEvent('c1', 'q-twice', 1, '2025-02-15T10:00:00Z', 'q-twice-1'),
          orderEvent('c1', 'q-twice', 2, '2025-02-15T10:00:00Z', 'q-twice-2'),
        ],
      },
    })
    expect(twoAmounts.status).toBe(422)
    expect(twoAmounts.json.error.message).toContain(
      'event q-twice-2: order q-twice was sent earlier among these events, by event q-twice-1, with another amount: amount 1 (here: 2)',
    )
    expect(twoAmounts.json.error.message).not.toContain('stored')
    expect(await count(h, "SELECT count(*) FROM orders WHERE order_id = 'q-twice'")).toBe(0)
    // the same messageId with other content is no retry either
    const sameId = await h.call('POST', '/v1/events', {
      body: orderEvent('c1', 'o1', 39, '2025-02-01T10:00:00Z', 'o1-first'),
    })
    expect(sameId.status).toBe(422)
    expect(sameId.json.error.details.differs).toEqual([{ field: 'amount', stored: 40, sent: 39 }])
    // and under another customer: the order is not theirs (this was answered "duplicate")
    const otherOwner = await h.call('POST', '/v1/events', {
      body: orderEvent('c2', 'o1', 40, '2025-02-01T10:00:00Z', 'o1-first'),
    })
    expect(otherOwner.status).toBe(422)
    expect(otherOwner.json.error.message).toMatch(/order o1 belongs to customer c1, not c2/)
    // one messageId twice in a batch with other content is no retry: the batch is refused
    const twice = await h.call('POST', '/v1/events/batch', {
      body: {
        batch: [
          orderEvent('c1', 'o-dup', 7, '2025-02-16T10:00:00Z', 'dup-id'),
          orderEvent('c1', 'o-dup2', 8, '2025-02-16T10:00:00Z', 'dup-id'),
        ],
      },
    })
    expect(twice.status).toBe(422)
    expect(twice.json.error.message).toContain(
      'event dup-id: this messageId is given twice in the batch with other content (events 0 and 1)',
    )
    expect(await count(h, "SELECT count(*) FROM orders WHERE order_id LIKE 'o-dup%'")).toBe(0)
    // the same message twice in a batch is a retry: stored once
    const retried = orderEvent('c9', 'o-dup', 7, '2025-02-16T10:00:00Z', 'dup-id')
    const again = await h.call('POST', '/v1/events/batch', { body: { batch: [retried, retried] } })
    expect(again.json.results.map((r: { status: string }) => r.status)).toEqual([
      'stored',
      'duplicate',
    ])
    // within one batch: the second of two events for one new order id says otherwise
    const inBatch = await h.call('POST', '/v1/events/batch', {
      body: {
        batch: [
          orderEvent('c1', 'o-twin', 5, '2025-02-15T10:00:00Z', 'twin-1'),
          orderEvent('c1', 'o-twin', 6, '2025-02-15T10:00:00Z', 'twin-2'),
        ],
      },
    })
    expect(inBatch.status).toBe(422)
    expect(await count(h, "SELECT count(*) FROM orders WHERE order_id = 'o-twin'")).toBe(0)
    // a direct order: its messageId comes from the order id
    const o = { order_id: 'd1', customer_id: 'c4', ordered_at: '2025-02-04T00:00:00Z', amount: 12 }
    expect((await h.call('POST', '/v1/orders', { body: o })).json.status).toBe('stored')
    expect((await h.call('POST', '/v1/orders', { body: o })).json.status).toBe('duplicate')
    const changed = await h.call('POST', '/v1/orders', { body: { ...o, amount: 13 } })
    expect(changed.status).toBe(422)
    expect(changed.json.error.details.orderId).toBe('d1')
    // the same content under a new messageId is still taken (and counted once)
    const same = await h.call('POST', '/v1/events', {
      body: orderEvent('c1', 'o1', 40, '2025-02-01T10:00:00Z', 'o1-again'),
    })
    expect(same.json.status).toBe('stored')
    expect((await h.call('GET', '/v1/customers/c1')).json).toMatchObject({ orders: 1, revenue: 40 })
    expect((await h.call('GET', '/v1/customers/c4')).json.revenue).toBe(12)
  })

  it('takes money to the millionth, as the store keeps it: the stored amount sent again is that order', async () => {
    const fine = orderEvent('c7', 'o-micro', 2.0000015, '2025-02-05T10:00:00Z', 'micro-1')
    expect((await h.call('POST', '/v1/events', { body: fine })).json.status).toBe('stored')
    expect((await h.call('GET', '/v1/customers/c7')).json.revenue).toBe(2.000002)
    // it was refused as "stored with another amount: 2.0000015 (sent: 2.000002)"
    const again = await h.call('POST', '/v1/events', {
      body: orderEvent('c7', 'o-micro', 2.000002, '2025-02-05T10:00:00Z', 'micro-2'),
    })
    expect(again.status).toBe(200)
    expect(await count(h, "SELECT count(*) FROM orders WHERE order_id = 'o-micro'")).toBe(1)
    expect((await h.call('GET', '/v1/customers/c7')).json).toMatchObject({
      orders: 1,
      revenue: 2.000002,
    })
  })

  it('counts what is left of an order in millionths, exactly, at any size', async () => {
    // in doubles 999999999999.99 less 999999999999.98 left 0.010009765625: 0.010001 passed
    const at = '2025-02-06T10:00:00Z'
    const big = orderEvent('c8', 'o-big', 999999999999.99, at, 'big-1')
    expect((await h.call('POST', '/v1/events', { body: big })).status).toBe(200)
    const refund = (total: number, id: string) =>
      track('c8', 'Order Refunded', { order_id: 'o-big', total }, id, '2025-02-07T10:00:00Z')
    expect(
      (await h.call('POST', '/v1/events', { body: refund(999999999999.98, 'big-r1') })).status,
    ).toBe(200)
    const over = await h.call('POST', '/v1/events', { body: refund(0.010001, 'big-r2') })
    expect(over.status).toBe(422)
    expect(over.json.error.message).toMatch(
      /a refund of 0\.010001 is more than the 0\.01 left of order o-big/,
    )
    expect(over.json.error.details.left).toBe(0.01)
    expect((await h.call('POST', '/v1/events', { body: refund(0.01, 'big-r3') })).status).toBe(200)
    expect(await count(h, "SELECT count(*) FROM events WHERE event_id = 'big-r2'")).toBe(0)
    // and the live profile's revenue is the exact sum (it read 1.60001 here)
    const small = orderEvent('c8', 'o-small', 1.6, at, 'big-s')
    expect((await h.call('POST', '/v1/events', { body: small })).status).toBe(200)
    expect((await h.call('GET', '/v1/customers/c8')).json.revenue).toBe(1.6)
  })

  it('refuses an unknown IANA time zone with a 400 naming the path', async () => {
    const identify = (id: string, timezone: string) => ({
      type: 'identify',
      messageId: id,
      userId: 'tz1',
      traits: { timezone },
    })
    const bad = await h.call('POST', '/v1/events', { body: identify('tz-a', 'Mars/Base') })
    expect(bad.status).toBe(400)
    expect(bad.json.error.details).toEqual([
      { path: 'traits.timezone', reason: expect.stringMatching(/IANA time zone.*Mars\/Base/) },
    ])
    const batch = await h.call('POST', '/v1/events/batch', {
      body: { batch: [identify('tz-b', 'Europe/Berlin'), identify('tz-c', 'Europe/Berlinn')] },
    })
    expect(batch.status).toBe(400)
    expect(batch.json.error.details[0].path).toBe('batch[1].traits.timezone')
    const direct = await h.call('POST', '/v1/customers', {
      body: { customer_id: 'tz2', timezone: '' },
    })
    expect(direct.status).toBe(400)
    expect(direct.json.error.details[0].path).toBe('timezone')
    expect(await count(h, "SELECT count(*) FROM events WHERE customer_id IN ('tz1', 'tz2')")).toBe(
      0,
    )
    const good = await h.call('POST', '/v1/events', { body: identify('tz-d', 'America/New_York') })
    expect(good.status).toBe(200)
  })
})

describe.each(STORES)('an event and an import of the same row on $name', (kind) => {
  let h: Harness
  let mem: Engine
  const dir = tempDir('loyals-ingest-kinds-')
  const at = '2025-01-05T08:15:30Z'
  const files = {
    engagement: `customer_id,occurred_at,event\nk1,${at},email_open\nk1,${at},Email Click\n`,
    surveys: `customer_id,responded_at,nps,ces,csat,comment\nk1,${at},8,3,4.5,fine\n`,
    returns: `order_id,returned_at,amount,customer_id\nko1,${at},19.99,k1\nko2,${at},20,k1\n`,
    referrals: `referrer_id,referred_id,referred_at,code\nk1,k2,${at},K\n`,
  }
  const events = (p: string) => [
    track('k1', 'Email Opened', {}, `${p}-1`, at),
    track('k1', 'Email Link Clicked', {}, `${p}-2`, at),
    track('k1', 'Survey Responded', { nps: 8, ces: 3, csat: 4.5, comment: 'fine' }, `${p}-3`, at),
    track('k1', 'Order Returned', { order_id: 'ko1', amount: 19.99 }, `${p}-4`, at),
    track('k1', 'Order Returned', { order_id: 'ko2', total: 20 }, `${p}-5`, at),
    track('k1', 'Referral Completed', { referred_id: 'k2', code: 'K' }, `${p}-6`, at),
  ]
  const KEYED = [
    ['engagement_events', 'event_key'],
    ['survey_responses', 'response_key'],
    ['returns', 'return_key'],
    ['referrals', 'referral_key'],
  ] as const

  beforeAll(async () => {
    // the files as `loyals import` keys them (a DuckDB workspace)
    mem = await openWorkspace(join(dir, 'mem.duckdb'))
    for (const [k, text] of Object.entries(files)) {
      await importFile(mem, write(dir, `${k}.csv`, text), {
        kind: k as 'engagement',
        now: new Date(NOW),
      })
    }
    h = await harness(kind, { now: NOW })
  })
  afterAll(async () => {
    await mem.close()
    await h.close()
  })

  it('gives a row the key the import gives it, so an import after the events writes nothing new', async () => {
    expect(
      (await h.call('POST', '/v1/events/batch', { body: { batch: events('e') } })).status,
    ).toBe(200)
    for (const [table, key] of KEYED) {
      const keys = async (e: Engine) =>
        (await e.query(`SELECT ${key} AS k FROM ${table}`)).map((r) => String(r.k)).sort()
      const imported = await keys(mem)
      const sent = await h.store.use(keys)
      if (table === 'engagement_events') {
        // the file's "Email Click" is keyed by its own spelling, the event by the type's name
        const [open] = await mem.query(
          "SELECT event_key FROM engagement_events WHERE event = 'email_open'",
        )
        expect(sent).toHaveLength(2)
        expect(sent).toContain(String(open!.event_key))
      } else expect(sent, table).toEqual(imported)
    }
  })

  it('stores nothing again for an event of a row imported before, whatever its spelling', async () => {
    // the rows `loyals import` wrote, copied as they are into a fresh store
    const h2 = await harness(kind, { now: NOW })
    try {
      for (const [table] of KEYED) {
        const rows = await mem.query(`SELECT * EXCLUDE (source_line) FROM ${table}`)
        for (const r of rows) {
          const cols = Object.keys(r)
          const casts: Record<string, string> = {
            occurred_at: 'TIMESTAMP',
            responded_at: 'TIMESTAMP',
            returned_at: 'TIMESTAMP',
            referred_at: 'TIMESTAMP',
          }
          await h2.engine.exec({
            sql: `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols
              .map((c, i) => (casts[c] ? `CAST($${i + 1} AS TIMESTAMP)` : `$${i + 1}`))
              .join(', ')})`,
            params: cols.map((c) => {
              const v = r[c]
              return v === null || v === undefined
                ? null
                : typeof v === 'bigint'
                  ? Number(v)
                  : casts[c]
                    ? String(v)
                    : v
            }),
          })
        }
      }
      const before = await Promise.all(KEYED.map(([t]) => count(h2, `SELECT count(*) FROM ${t}`)))
      const res = await h2.call('POST', '/v1/events/batch', { body: { batch: events('i') } })
      expect(res.status).toBe(200)
      const after = await Promise.all(KEYED.map(([t]) => count(h2, `SELECT count(*) FROM ${t}`)))
      expect(after).toEqual(before)
      // an imported referral is no new referral for the profile: counted once, as the refit
      // counts the stored rows (the profile the event makes starts from them)
      expect((await h2.call('GET', '/v1/customers/k1')).json.engagement.referrals).toBe(1)
    } finally {
      await h2.close()
    }
  })
})
