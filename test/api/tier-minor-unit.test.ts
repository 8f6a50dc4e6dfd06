// A live profile tiers its total value as analyze does, to the currency's minor unit: 99.996
// reads 100.00 and meets a minimum of 100 (docs/value.md). Compared unrounded it stayed Silver
// while its reason said "total value 100 reaches the Silver minimum of 50", and 49.999 was Base,
// "49.999 is below the Silver minimum of 50.000".
import { describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { harness, orderEvent } from './harness.ts'

const level = (name: string, priority: number, minValue?: number) => ({
  name,
  ...(minValue === undefined ? {} : { minValue }),
  serviceLevel: { priority, responseTargetMinutes: 60 * priority },
})
const VALUE = {
  tiers: {
    basis: 'threshold' as const,
    levels: [level('Gold', 1, 100), level('Silver', 2, 50), level('Base', 3)],
  },
}

describe.each(STORES)('a live total value at a tier minimum ($name)', (kind) => {
  it('is tiered and said to the cent', async () => {
    const h = await harness(kind, { value: VALUE })
    try {
      for (const [c, id, total] of [
        ['t5', 't5a', 99.996],
        ['t2', 't2a', 60],
        ['t2', 't2b', 39.995],
        ['t6', 't6a', 49.999],
        ['t7', 't7a', 49.994],
      ] as const) {
        const r = await h.call('POST', '/v1/events', {
          body: orderEvent(c, id, total, '2025-02-01T10:00:00Z'),
        })
        expect(r.status).toBe(200)
      }
      const profile = async (id: string) => (await h.call('GET', `/v1/customers/${id}`)).json
      const tierReason = (p: { reasons: { code: string; text: string }[] }) =>
        p.reasons.find((r) => r.code.startsWith('tier_'))?.text
      const t5 = await profile('t5')
      expect(t5.tier.name).toBe('Gold')
      expect(tierReason(t5)).toContain('reaches the Gold minimum of')
      expect((await profile('t2')).tier.name).toBe('Gold')
      const t6 = await profile('t6')
      expect(t6.tier.name).toBe('Silver')
      expect(tierReason(t6)).not.toContain('49.999')
      const t7 = await profile('t7')
      expect(t7.tier.name).toBe('Base')
      expect(tierReason(t7)).toMatch(/49\.99 is below the Silver minimum of \$?50\b/)
      expect((await h.call('GET', '/v1/service/level/t5')).json).toMatchObject({ priority: 1 })
    } finally {
      await h.close()
    }
  })
})
