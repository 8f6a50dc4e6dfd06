// What an erasure leaves behind, on both stores: a customer who comes back after an erasure is
// erased again (their first life's rows under the pseudonym must not collide with the second's),
// and a task the returning customer earns is created, not lost to the first life's task id; other
// customers' events that name the erased customer (a referral's referred id, an email in any
// field) name the pseudonym instead; the keys hashed from the id (engagement, survey answers and
// returns without an id, imported orders without an id, refunds keyed by their content) are
// replaced by keys nobody can compute from a guessed id, and an old file sent again through the
// server is still refused as the erased customer's.
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { count, type Harness, harness, orderEvent } from './harness.ts'

const NOW = Date.parse('2025-03-01T12:00:00Z')
const hook = 'http://127.0.0.1:9/hook'

describe.each(STORES)('erasure traces on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind, {
      now: NOW,
      ops: {
        holdout: { defaultShare: 0 },
        contactBudget: { quietHours: null, overall: [] },
        playbooks: [
          {
            id: 'onboarding',
            department: 'marketing',
            trigger: {
              type: 'onboarding',
              start: 'signup',
              steps: [{ delayDays: 0, template: 'ob-1' }],
            },
            actions: [{ type: 'webhook', url: hook, channel: 'email', template: 'onboarding' }],
          },
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

  const identify = (id: string, email: string, messageId: string) =>
    h.call('POST', '/v1/events', {
      body: { type: 'identify', messageId, userId: id, traits: { email } },
    })
  const order = (id: string, orderId: string) =>
    h.call('POST', '/v1/events', {
      body: orderEvent(id, orderId, 20, new Date(NOW - 60_000).toISOString()),
    })

  it('erases again a customer who came back with new traits, and keeps both lives apart', async () => {
    expect((await identify('zed', 'zed@example.com', 'zed-1')).status).toBe(200)
    expect((await order('zed', 'zed-o1')).status).toBe(200)
    const lifeKeys = () =>
      h.store.use(async (e) => ({
        actions: (
          await e.query("SELECT action_key FROM actions_log WHERE customer_id = 'zed'")
        ).map((r) => String(r.action_key)),
        tasks: (await e.query("SELECT task_id FROM tasks WHERE customer_id = 'zed'")).map((r) =>
          String(r.task_id),
        ),
      }))
    const firstLife = await lifeKeys()
    expect(firstLife.actions).toHaveLength(2)
    const first = await h.call('DELETE', '/v1/customers/zed')
    expect(first.status).toBe(200)
    // back: the same onboarding step and the same first-order task as in the first life
    expect((await identify('zed', 'zed-new@example.com', 'zed-2')).status).toBe(200)
    expect((await order('zed', 'zed-o2')).status).toBe(200)
    expect(await count(h, "SELECT count(*) FROM tasks WHERE customer_id = 'zed'")).toBe(1)
    // under keys and a task id of their own: the first life's went out as webhooks'
    // Idempotency-Key, and a receiver dropping redeliveries would drop the second life's
    const secondLife = await lifeKeys()
    expect(secondLife.actions).toHaveLength(2)
    for (const k of secondLife.actions) expect(firstLife.actions).not.toContain(k)
    expect(secondLife.tasks).toHaveLength(1)
    expect(firstLife.tasks).not.toContain(secondLife.tasks[0])
    // each fires once in the second life too: an order more plans nothing again
    expect((await order('zed', 'zed-o3')).status).toBe(200)
    expect((await lifeKeys()).actions.sort()).toEqual([...secondLife.actions].sort())
    const second = await h.call('DELETE', '/v1/customers/zed')
    expect(second.status).toBe(200)
    expect(second.json).toMatchObject({ alreadyErased: false, pseudonym: first.json.pseudonym })
    expect((await h.call('GET', '/v1/customers/zed')).status).toBe(404)
    const p = [first.json.pseudonym]
    const keys = await h.store.use((e) =>
      e.query({
        sql: 'SELECT action_key FROM actions_log WHERE customer_id = $1 ORDER BY action_key',
        params: p,
      }),
    )
    expect(keys).toHaveLength(4)
    expect(JSON.stringify(keys)).not.toMatch(/zed/)
    expect(await count(h, 'SELECT count(*) FROM tasks WHERE customer_id = $1', p)).toBe(2)
    const rows = await h.store.use(async (x) => [
      ...(await x.query('SELECT * FROM customers')),
      ...(await x.query('SELECT * FROM customer_profile')),
      ...(await x.query('SELECT * FROM events')),
      ...(await x.query('SELECT * FROM actions_log')),
      ...(await x.query('SELECT * FROM tasks')),
    ])
    expect(JSON.stringify(rows)).not.toMatch(/zed-new|zed@/)
  })
  it("names the pseudonym, not the id or the email, in other customers' event payloads", async () => {
    const dave = 'dave.secret@example.com'
    expect((await identify(dave, dave, 'dave-1')).status).toBe(200)
    expect((await identify('c-dave', 'Dave.Home@Example.com', 'c-dave-1')).status).toBe(200)
    const track = (event: string, messageId: string, userId: string, properties: object) =>
      h.call('POST', '/v1/events', {
        body: { type: 'track', event, messageId, userId, properties },
      })
    const referral = (messageId: string, userId: string, properties: object) =>
      track('Referral Completed', messageId, userId, properties)
    const referred = await referral('ref-1', 'xavier', {
      referred_id: 'Dave.Secret@example.com',
      note: `thanks to ${dave}`,
    })
    expect(referred.status).toBe(200)
    // a short id is replaced where it is a whole value only: "c-dave" inside other text stays
    expect(
      (await referral('ref-2', 'yvonne', { referred_id: 'c-dave', note: 'c-dave-ish' })).status,
    ).toBe(200)
    const note = await track('Note Added', 'ref-3', 'zoe', { note: 'call dave.home@example.com' })
    expect(note.status).toBe(200)
    const one = (await h.call('DELETE', `/v1/customers/${dave}`)).json.pseudonym
    const two = (await h.call('DELETE', '/v1/customers/c-dave')).json.pseudonym
    const payloads = Object.fromEntries(
      (
        await h.store.use((e) =>
          e.query("SELECT event_id, payload FROM events WHERE event_id LIKE 'ref-%'"),
        )
      ).map((r) => [r.event_id, JSON.parse(String(r.payload)).properties]),
    )
    expect(payloads).toEqual({
      'ref-1': { referred_id: one, note: `thanks to ${one}` },
      'ref-2': { referred_id: two, note: 'c-dave-ish' },
      'ref-3': { note: `call ${two}` },
    })
  })

  it("names the pseudonym in other customers' survey comments, return reasons, referral codes, product names and task outcomes", async () => {
    const vic = 'vic.private@example.com'
    expect((await identify('c-vic', vic, 'vic-1')).status).toBe(200)
    const track = (event: string, messageId: string, userId: string, properties: object) =>
      h.call('POST', '/v1/events', {
        body: {
          type: 'track',
          event,
          messageId,
          userId,
          properties,
          timestamp: new Date(NOW - 30_000).toISOString(),
        },
      })
    // the address whole, twice one comma apart, and before a full stop; not inside longer ones
    const said = `my friend (VIC.Private@example.com) told me: ${vic},${vic}. Not x${vic}, ${vic}.au or ${vic}x`
    const bought = orderEvent('wes', 'wes-o1', 30, new Date(NOW - 60_000).toISOString())
    bought.properties.products = [
      { product_id: 'p9', name: `gift for ${vic}`, price: 30, quantity: 1 },
    ]
    expect((await h.call('POST', '/v1/events', { body: bought })).status).toBe(200)
    expect(
      (await track('Survey Responded', 'vic-s', 'wes', { nps: 8, comment: said })).status,
    ).toBe(200)
    // another id is a mention in free text only as a referral code: a comment that is the id
    // alone is text of its own
    expect(
      (await track('Survey Responded', 'vic-s2', 'yan', { nps: 7, comment: 'c-vic' })).status,
    ).toBe(200)
    expect(
      (
        await track('Order Returned', 'vic-r', 'wes', {
          order_id: 'wes-o1',
          amount: 5,
          reason: `gift for ${vic}`,
        })
      ).status,
    ).toBe(200)
    expect(
      (await track('Referral Completed', 'vic-f1', 'wes', { referred_id: 'amy', code: vic }))
        .status,
    ).toBe(200)
    expect(
      (await track('Referral Completed', 'vic-f2', 'wes', { referred_id: 'bo', code: 'c-vic' }))
        .status,
    ).toBe(200)
    // wes's first order made a welcome-call task: staff wrote the email into its outcome
    const [task] = await h.store.use((e) =>
      e.query("SELECT task_id FROM tasks WHERE customer_id = 'wes'"),
    )
    const claimed = await h.call('POST', `/v1/tasks/${String(task?.task_id)}/claim`, {
      body: { by: 'alice' },
    })
    expect(claimed.status).toBe(200)
    const done = await h.call('POST', `/v1/tasks/${String(task?.task_id)}/complete`, {
      body: { by: 'alice', outcome: `the buyer is ${vic}` },
    })
    expect(done.status).toBe(200)
    const erased = (await h.call('DELETE', '/v1/customers/c-vic')).json.pseudonym
    const texts = await h.store.use(async (e) => ({
      comment: (
        await e.query(
          "SELECT comment FROM survey_responses WHERE customer_id IN ('wes', 'yan') ORDER BY customer_id",
        )
      ).map((r) => r.comment),
      reason: (await e.query("SELECT reason FROM returns WHERE order_id = 'wes-o1'")).map(
        (r) => r.reason,
      ),
      codes: (
        await e.query("SELECT code FROM referrals WHERE referrer_id = 'wes' ORDER BY referred_id")
      ).map((r) => r.code),
      outcome: (await e.query("SELECT outcome FROM tasks WHERE customer_id = 'wes'")).map(
        (r) => r.outcome,
      ),
      product: (
        await e.query("SELECT product_name FROM order_lines WHERE order_id = 'wes-o1'")
      ).map((r) => r.product_name),
    }))
    expect(texts).toEqual({
      comment: [
        `my friend (${erased}) told me: ${erased},${erased}. Not x${vic}, ${vic}.au or ${vic}x`,
        'c-vic',
      ],
      reason: [`gift for ${erased}`],
      // a code that is the id itself is a mention; as an email it is one anywhere
      codes: [erased, erased],
      outcome: [`the buyer is ${erased}`],
      product: [`gift for ${erased}`],
    })
  })

  it('voids a held file import that names the erased customer: its commit stores nothing and says why', async () => {
    const at = new Date(NOW - 60_000).toISOString()
    const held = [
      {
        type: 'identify',
        messageId: 'stg-id',
        userId: 'c-stan',
        traits: { email: 'staged.secret@example.com', name: 'Staged Secret' },
        timestamp: at,
      },
      orderEvent('c-stan', 'stg-o1', 9, at, 'stg-o1'),
    ]
    expect((await identify('c-stan', 'stan@example.com', 'stan-1')).status).toBe(200)
    expect((await order('c-stan', 'stan-o0')).status).toBe(200)
    const staged = await h.call('POST', '/v1/imports/stg-erased/batches', {
      body: { seq: 0, batch: held },
    })
    expect(staged.status).toBe(200)
    // another file, naming someone else, stays held: its order id is the erased customer's id,
    // which names nobody there
    const other = await h.call('POST', '/v1/imports/stg-other/batches', {
      body: { seq: 0, batch: [orderEvent('c-olga', 'c-stan', 5, at, 'olga-o1')] },
    })
    expect(other.status).toBe(200)
    expect((await h.call('DELETE', '/v1/customers/c-stan')).status).toBe(200)
    const left = await h.store.use((e) =>
      e.query("SELECT import_id, payload FROM import_staging WHERE import_id LIKE 'stg-%'"),
    )
    expect(left.map((r) => r.import_id)).toEqual(['stg-other'])
    const commit = await h.call('POST', '/v1/imports/stg-erased/commit')
    expect(commit.status).toBe(409)
    expect(commit.json.error.code).toBe('import_voided')
    expect(commit.json.error.message).toMatch(
      /erased at .*, before its commit: .*nothing of it was stored/,
    )
    // a batch sent after the erasure is refused alike: the file cannot be stored any more
    const late = await h.call('POST', '/v1/imports/stg-erased/batches', {
      body: { seq: 1, batch: [orderEvent('c-olga', 'olga-o2', 5, at, 'olga-o2')] },
    })
    expect(late.status).toBe(409)
    expect((await h.call('GET', '/v1/customers/c-stan')).status).toBe(404)
    expect(await count(h, "SELECT count(*) FROM orders WHERE order_id = 'stg-o1'")).toBe(0)
    const olga = await h.call('POST', '/v1/imports/stg-other/commit')
    expect(olga.status).toBe(200)
    expect(olga.json.stored).toBe(1)
  })

  it('names the pseudonym in place of an email the customer had before a change too', async () => {
    expect((await identify('ezra', 'old.addr@example.com', 'ezra-1')).status).toBe(200)
    const note = (messageId: string, text: string) =>
      h.call('POST', '/v1/events', {
        body: {
          type: 'track',
          event: 'Note Added',
          messageId,
          userId: 'quinn',
          properties: { note: text, [text.split(' ').at(-1)!]: 'as a key' },
        },
      })
    expect((await note('ezra-note-1', 'old email old.addr@example.com')).status).toBe(200)
    expect((await identify('ezra', 'new.addr@example.com', 'ezra-2')).status).toBe(200)
    expect((await note('ezra-note-2', 'new email new.addr@example.com')).status).toBe(200)
    const erased = (await h.call('DELETE', '/v1/customers/ezra')).json.pseudonym
    const rows = await h.store.use((e) =>
      e.query("SELECT payload FROM events WHERE event_id LIKE 'ezra-note-%' ORDER BY event_id"),
    )
    const texts = rows.map((r) => String(r.payload))
    expect(texts.join('\n')).not.toMatch(/old\.addr|new\.addr/)
    expect(texts.map((t) => JSON.parse(t).properties.note)).toEqual([
      `old email ${erased}`,
      `new email ${erased}`,
    ])
  })
  it('re-keys the rows whose keys were hashed from the id; the old file is still refused', async () => {
    const md5 = (s: string) => createHash('md5').update(s).digest('hex')
    // as `loyals import` keys an order without an id, and a refund by its content
    const noId = md5(`${md5('kim|2024-06-01 08:00:00|12.5|')}|1`)
    const refund = `kim-o1:refund:${md5('kim|2024-06-02 08:00:00|-5.0|').slice(0, 10)}:1`
    for (const [key, id, at, amount] of [
      [noId, null, '2024-06-01 08:00:00', 12.5],
      [refund, 'kim-o1', '2024-06-02 08:00:00', -5],
    ] as const) {
      await h.engine.exec({
        sql: `INSERT INTO orders (order_key, order_id, customer_id, ordered_at, order_date, amount, source)
          VALUES ($1, $2, 'kim', CAST($3 AS TIMESTAMP), CAST(CAST($3 AS TIMESTAMP) AS DATE), $4, 'orders.csv')`,
        params: [key, id, at, amount],
      })
    }
    const at = new Date(NOW - 3_600_000).toISOString()
    const track = (event: string, messageId: string, properties: object) =>
      h.call('POST', '/v1/events', {
        body: { type: 'track', event, messageId, userId: 'kim', timestamp: at, properties },
      })
    expect((await order('kim', 'kim-o1')).status).toBe(200)
    expect((await track('Email Opened', 'kim-e', {})).status).toBe(200)
    expect((await track('Survey Responded', 'kim-s', { nps: 9 })).status).toBe(200)
    const returned = await track('Order Returned', 'kim-r', { order_id: 'kim-o1', amount: 5 })
    expect(returned.status).toBe(200)
    const keys = async (id: string) =>
      (
        await h.store.use((e) =>
          e.query({
            sql: `SELECT order_key AS k FROM orders WHERE customer_id = $1
              UNION ALL SELECT event_key FROM engagement_events WHERE customer_id = $1
              UNION ALL SELECT response_key FROM survey_responses WHERE customer_id = $1
              UNION ALL SELECT return_key FROM returns WHERE customer_id = $1`,
            params: [id],
          }),
        )
      )
        .map((r) => String(r.k))
        .sort()
    const before = await keys('kim')
    expect(before).toHaveLength(6)
    const pseudonym = (await h.call('DELETE', '/v1/customers/kim')).json.pseudonym
    const after = await keys(pseudonym)
    expect(after).toHaveLength(6)
    // the order id stays the order's key; every key hashed from the id is gone
    expect(after.filter((k) => before.includes(k))).toEqual(['kim-o1'])
    // the old file through the server again: its order without an id is the erased customer's
    const again = await h.call('POST', '/v1/events', {
      body: orderEvent('kim', noId, 12.5, '2024-06-01T08:00:00Z', `order:${noId}`),
    })
    expect(again.status).toBe(422)
    expect(again.json.error.message).toMatch(/belongs to an erased customer/)
    expect(await count(h, "SELECT count(*) FROM orders WHERE customer_id = 'kim'")).toBe(0)
  })
  it("refuses an erased customer's refund sent again as the erased customer's, not as another refund", async () => {
    expect(
      (
        await h.call('POST', '/v1/events', {
          body: orderEvent('rae', 'rae-o1', 40, '2024-06-01T08:00:00Z'),
        })
      ).status,
    ).toBe(200)
    const refund = (messageId: string) => ({
      type: 'track',
      messageId,
      userId: 'rae',
      event: 'Order Refunded',
      timestamp: '2024-06-02T08:00:00Z',
      properties: { order_id: 'rae-o1', refund_id: 'r1', total: 40 },
    })
    expect((await h.call('POST', '/v1/events', { body: refund('rae-r1') })).status).toBe(200)
    expect((await h.call('DELETE', '/v1/customers/rae')).status).toBe(200)
    // the old file again: its refund row (a voided order's) came first, and was told to "send
    // another refund_id", which could never make it take
    const again = await h.call('POST', '/v1/events', { body: refund('rae-r1-again') })
    expect(again.status).toBe(422)
    expect(again.json.error.message).toBe(
      "event rae-r1-again: refund rae-o1:r1 of order rae-o1 belongs to an erased customer, not rae: remove the erased customer's rows and send the rest again",
    )
    expect(await count(h, "SELECT count(*) FROM orders WHERE customer_id = 'rae'")).toBe(0)
  })
  it('names the pseudonym in place of an email beyond ASCII written in another case', async () => {
    // QA: PostgreSQL folds case for ILIKE and the i flag by the database's LC_CTYPE, under C (the
    // test cluster's) only in ASCII: JÖRG.Ü@EXÄMPLE.COM stayed in other customers' rows there
    expect((await identify('c-jorg', 'Jörg.Ü@Exämple.com', 'jorg-1')).status).toBe(200)
    const track = (event: string, messageId: string, properties: object) =>
      h.call('POST', '/v1/events', {
        body: {
          type: 'track',
          event,
          messageId,
          userId: 'kim',
          properties,
          timestamp: new Date(NOW - 30_000).toISOString(),
        },
      })
    expect(
      (await track('Survey Responded', 'jorg-s', { nps: 8, comment: 'ask JÖRG.Ü@EXÄMPLE.COM.' }))
        .status,
    ).toBe(200)
    expect((await track('Note', 'jorg-n', { text: 'cc jörg.ü@exämple.com; ok' })).status).toBe(200)
    const erased = (await h.call('DELETE', '/v1/customers/c-jorg')).json.pseudonym
    const left = await h.store.use(async (e) => ({
      comment: (
        await e.query("SELECT comment FROM survey_responses WHERE customer_id = 'kim'")
      ).map((r) => r.comment),
      payloads: (
        await e.query("SELECT payload FROM events WHERE event_id IN ('jorg-s', 'jorg-n')")
      ).map((r) => String(r.payload)),
    }))
    expect(left.comment).toEqual([`ask ${erased}.`])
    expect(left.payloads).toHaveLength(2)
    for (const p of left.payloads) {
      expect(p).toContain(String(erased))
      expect(p.toLowerCase()).not.toContain('exämple')
    }
  })
})
