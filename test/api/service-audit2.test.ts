// Second audit of `loyals serve`, on both stores: a refit's tiers agree with its own rank cuts (and
// the lowest tier's reason cites the line above with its share, as analyze does), a
// second erasure answers like a second key revocation, and an onboarding step the contact budget
// holds back is sent later in order, so "step k of N" stays true.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { roundHalfAway } from '../../src/core/round.ts'
import { qualifyingTier } from '../../src/core/value/tiers.ts'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, identifyEvent, orderEvent, waitJob } from './harness.ts'

const DAY = 86_400_000
const iso = (ms: number) => new Date(ms).toISOString()
const level = (priority: number) => ({
  priority,
  responseTargetMinutes: 60 * priority,
  dedicatedOwner: false,
})

describe.each(STORES)('refit tiers on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind, {
      now: Date.parse('2026-01-01T12:00:00Z'),
      value: {
        tiers: {
          levels: [
            { name: 'Gold', share: 0.1, serviceLevel: level(1) },
            { name: 'Silver', share: 0.2, serviceLevel: level(2) },
            { name: 'Bronze', serviceLevel: level(3) },
          ],
        },
      },
    })
    // 41 customers with 1-5 orders of distinct amounts (the audit's data)
    const batch = []
    for (let i = 1; i <= 41; i++) {
      for (let k = 0; k < 1 + (i % 5); k++) {
        batch.push(
          orderEvent(
            `u${String(i).padStart(2, '0')}`,
            `u${i}-${k}`,
            10 + i * 7 + k,
            iso(Date.UTC(2025, 0, 1) + (i * 3 + k * 40) * DAY),
          ),
        )
      }
    }
    expect((await h.call('POST', '/v1/events/batch', { body: { batch } })).status).toBe(200)
  })
  afterAll(async () => {
    await h.close()
  })

  it('puts the customer at each rank cut in the tier the cut admits, however long the re-score takes', async () => {
    // a clock that moves on at every reading: the refit reads it once to fit and again per chunk
    let t = h.clock.now
    Object.defineProperty(h.clock, 'now', { get: () => (t += 60_000), configurable: true })
    const job = await h.call('POST', '/v1/jobs/refit')
    expect((await waitJob(h, job.json.jobId)).status).toBe('succeeded')
    const list = (await h.call('GET', '/v1/customers?limit=1000')).json.customers
    expect(list).toHaveLength(41)
    const byValue = [...list].sort((a, b) => b.value.total - a.value.total)
    const names = byValue.map((c) => c.tier.name)
    // floor(0.1 × 41) = 4 Gold, floor(0.3 × 41) = 12 Gold or Silver
    expect(names.slice(0, 4)).toEqual(['Gold', 'Gold', 'Gold', 'Gold'])
    expect(names.slice(4, 12)).toEqual(Array(8).fill('Silver'))
    expect(names.slice(12).every((n) => n === 'Bronze')).toBe(true)
    // every stored tier is the one its stored value qualifies for under the stored boundaries,
    // the value as shown, to the cent (docs/value.md), as the boundaries rank it
    const b = Float64Array.from(h.store.model!.boundaries, (x) => Number(x))
    for (const c of list) {
      expect(c.tier.index, c.customerId).toBe(qualifyingTier(roundHalfAway(c.value.total, 2), b))
    }
    // and the reasons agree, in the rank tiers' words (tier_rank, as analyze says them): the 4th
    // is in the top 10 % (Gold), the 12th in the top 30 % (Silver)
    expect(byValue[3].reasons[0]).toMatchObject({ code: 'tier_rank' })
    expect(byValue[3].reasons[0].text).toMatch(/^top 10 % by total value/)
    expect(byValue[11].reasons[0].text).toMatch(/^top 30 % by total value/)
    expect(byValue[11].reasons[0].text).not.toMatch(/below/)
  })

  it('cites the line above the lowest tier with its share, as analyze does', async () => {
    const list = (await h.call('GET', '/v1/customers?limit=1000')).json.customers
    const bronze = list.filter((c: { tier: { name: string } }) => c.tier.name === 'Bronze')
    expect(bronze.length).toBeGreaterThan(20)
    for (const c of bronze) {
      const tierReason = c.reasons.find((r: { code: string }) => r.code === 'tier_base')
      expect(tierReason?.text, c.customerId).toMatch(
        /^Bronze: total value \$[\d,.]+ is below the Silver minimum of \$[\d,.]+ \(the top 30 %\)$/,
      )
    }
  })
})

describe.each(STORES)('erasing twice on $name', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(kind)
  })
  afterAll(async () => {
    await h.close()
  })

  it('answers a second erasure of an id 200 with alreadyErased, and 404 only for an id never known', async () => {
    const at = iso(h.clock.now - DAY)
    expect(
      (await h.call('POST', '/v1/events', { body: orderEvent('n1', 'n1-o1', 40, at) })).status,
    ).toBe(200)
    const first = await h.call('DELETE', '/v1/customers/n1')
    expect(first.status).toBe(200)
    expect(first.json).toMatchObject({
      erased: true,
      alreadyErased: false,
      erasedAt: iso(h.clock.now),
    })
    h.clock.now += 60_000
    const again = await h.call('DELETE', '/v1/customers/n1')
    expect(again.status).toBe(200)
    expect(again.json).toEqual({ ...first.json, alreadyErased: true })
    // the pseudonym itself: done too, and its counters are still there
    const anon = await h.call('DELETE', `/v1/customers/${first.json.pseudonym}`)
    expect(anon.json).toMatchObject({ pseudonym: first.json.pseudonym, alreadyErased: true })
    expect((await h.call('GET', `/v1/customers/${first.json.pseudonym}`)).json.revenue).toBe(40)
    const never = await h.call('DELETE', '/v1/customers/never-seen')
    expect(never.status).toBe(404)
    expect(never.json.error.message).toMatch(/never-seen/)
    // back after the erasure: known again, erased again
    await h.call('POST', '/v1/events', { body: orderEvent('n1', 'n1-o2', 15, at) })
    const back = await h.call('DELETE', '/v1/customers/n1')
    expect(back.json).toMatchObject({ pseudonym: first.json.pseudonym, alreadyErased: false })
    expect((await h.call('DELETE', '/v1/customers/n1')).json.alreadyErased).toBe(true)
  })

  it("does not name an erased customer's pseudonym when their old order id is sent again", async () => {
    const at = iso(h.clock.now - DAY)
    await h.call('POST', '/v1/events', { body: orderEvent('p1', 'p1-o1', 25, at) })
    const del = await h.call('DELETE', '/v1/customers/p1')
    expect(del.status).toBe(200)
    const clash = await h.call('POST', '/v1/events', { body: orderEvent('p2', 'p1-o1', 25, at) })
    expect(clash.status).toBe(422)
    expect(clash.json.error.message).toMatch(/order p1-o1 belongs to an erased customer, not p2/)
    expect(JSON.stringify(clash.json)).not.toContain(del.json.pseudonym)
  })

  it('recognises an erased customer that left no row under the pseudonym, without keeping the id', async () => {
    await h.engine.exec(`INSERT INTO customers (customer_id, email, name, source)
      VALUES ('zed-9', 'zed.nine@example.org', 'Zed Nine', 'customers.csv')`)
    const first = await h.call('DELETE', '/v1/customers/zed-9')
    expect(first.json).toMatchObject({ erased: true, alreadyErased: false })
    const again = await h.call('DELETE', '/v1/customers/zed-9')
    expect(again.status).toBe(200)
    expect(again.json).toMatchObject({ pseudonym: first.json.pseudonym, alreadyErased: true })
    const meta = await h.store.use((e) => e.query('SELECT * FROM meta'))
    expect(JSON.stringify(meta)).not.toMatch(/zed/i)
  })
})

describe.each(STORES)('an onboarding step held by the contact budget on $name', (kind) => {
  let h: Harness
  const sent: { key: string; progress: unknown }[] = []
  const hook = 'https://hooks.example.com/messages'
  const t0 = Date.parse('2025-03-10T10:00:00Z') // daytime
  beforeAll(async () => {
    h = await harness(kind, {
      now: t0,
      fetch: async (_url, init) => {
        const b = JSON.parse(String(init.body))
        sent.push({ key: b.actionKey, progress: b.variables.progress ?? null })
        return { ok: true, status: 204 }
      },
      ops: {
        holdout: { defaultShare: 0 },
        contactBudget: { overall: [{ days: 7, max: 2 }], quietHours: null },
        playbooks: [
          {
            id: 'onb',
            department: 'marketing',
            trigger: {
              type: 'onboarding',
              steps: [{ delayDays: 0 }, { delayDays: 2 }, { delayDays: 4 }],
            },
            actions: [{ type: 'webhook', url: hook, channel: 'email', template: 'tip' }],
          },
          {
            id: 'thanks-review',
            department: 'recognition',
            trigger: { type: 'review_posted' },
            actions: [{ type: 'webhook', url: hook, channel: 'email', template: 'thanks' }],
          },
        ],
      },
    })
  })
  afterAll(async () => {
    await h.close()
  })

  const status = async (key: string) => {
    const list = (await h.call('GET', '/v1/actions?limit=1000')).json.actions
    // biome-ignore lint/suspicious/noExplicitAny: audit-log rows checked field by field
    return list.find((a: any) => a.actionKey === key)
  }
  const pass = async (at: number) => {
    h.clock.now = at
    h.dispatcher.kick()
    await h.dispatcher.idle()
  }
  const step = (k: number) => `onb:o1:onboarding-step-${k}:a0`

  it('defers the step until the cap has room, holds the later steps behind it, and tells every step truly', async () => {
    await h.call('POST', '/v1/events', { body: identifyEvent('o1') })
    await h.call('POST', '/v1/events', { body: orderEvent('o1', 'o1-o1', 30, iso(t0)) })
    await pass(t0)
    // a review the next day: its thanks takes the second contact of the week
    h.clock.now = t0 + DAY
    await h.call('POST', '/v1/events', {
      body: {
        type: 'track',
        messageId: 'rev-o1',
        userId: 'o1',
        event: 'Product Reviewed',
        timestamp: iso(t0 + DAY),
        properties: {},
      },
    })
    await pass(t0 + DAY)
    expect(sent.map((s) => s.key)).toEqual([step(1), 'thanks-review:o1:review-rev-o1:a0'])
    // step 2 is due with the cap full: held until step 1 leaves the 7-day window, not dropped
    await pass(t0 + 2 * DAY)
    expect(await status(step(2))).toMatchObject({
      status: 'deferred',
      reason: 'cap_overall',
      scheduledAt: iso(t0 + 7 * DAY),
    })
    // step 3 is due before step 2 went out: it waits for it
    await pass(t0 + 4 * DAY)
    expect(await status(step(3))).toMatchObject({
      status: 'deferred',
      scheduledAt: iso(t0 + 7 * DAY),
    })
    expect(sent).toHaveLength(2)
    // room for one: step 2 goes, step 3 waits for the next slot
    await pass(t0 + 7 * DAY)
    expect(sent.slice(2).map((s) => s.key)).toEqual([step(2)])
    expect(await status(step(3))).toMatchObject({ status: 'deferred' })
    await pass(t0 + 8 * DAY)
    expect(sent.slice(2).map((s) => s.key)).toEqual([step(2), step(3)])
    const told = sent.filter((s) => s.key.startsWith('onb:')).map((s) => s.progress)
    expect(told).toEqual(['step 1 of 3', 'step 2 of 3', 'step 3 of 3'])
  })
})
