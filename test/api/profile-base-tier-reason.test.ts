// A live profile in the lowest rank tier cites the line above it with that tier's share, as
// analyze does ("below the Silver minimum of $412 (the top 30 %)").
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, orderEvent, waitJob } from './harness.ts'

const DAY = 86_400_000
const iso = (ms: number) => new Date(ms).toISOString()
const level = (priority: number) => ({
  priority,
  responseTargetMinutes: 60 * priority,
  dedicatedOwner: false,
})

describe.each(STORES)('lowest-tier reason of a live profile on $name', (kind) => {
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
    const batch = []
    for (let i = 1; i <= 30; i++) {
      for (let k = 0; k < 1 + (i % 4); k++) {
        batch.push(
          orderEvent(
            `b${String(i).padStart(2, '0')}`,
            `b${i}-${k}`,
            12 + i * 5 + k,
            iso(Date.UTC(2025, 0, 1) + (i * 4 + k * 35) * DAY),
          ),
        )
      }
    }
    expect((await h.call('POST', '/v1/events/batch', { body: { batch } })).status).toBe(200)
    const job = await h.call('POST', '/v1/jobs/refit')
    expect((await waitJob(h, job.json.jobId)).status).toBe('succeeded')
  })
  afterAll(async () => {
    await h.close()
  })

  it('names the Silver minimum and its cumulative share', async () => {
    const list = (await h.call('GET', '/v1/customers?limit=1000')).json.customers
    const bronze = list.filter((c: { tier: { name: string } }) => c.tier.name === 'Bronze')
    expect(bronze.length).toBeGreaterThan(10)
    for (const c of bronze) {
      const tierReason = c.reasons.find((r: { code: string }) => r.code === 'tier_base')
      expect(tierReason?.text, c.customerId).toMatch(
        /^Bronze: total value \$[\d,.]+ is below the Silver minimum of \$[\d,.]+ \(the top 30 %\)$/,
      )
    }
  })
})
