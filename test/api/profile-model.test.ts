// A profile names the purchase model that scored it: BG/NBD, or the NBD the refit falls back to
// when the data show no dropout (it said "bgnbd" for both, beside a P(alive) of 1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORES } from '../engines/stores.ts'
import { type Harness, harness, orderEvent } from './harness.ts'

const duck = STORES.find((s) => s.name === 'duckdb')!

describe("a profile's prediction names its model", () => {
  let h: Harness
  beforeAll(async () => {
    h = await harness(duck)
  })
  afterAll(async () => {
    await h.close()
  })

  const scoredWith = (model: 'bgnbd' | 'nbd') => ({
    bgnbd: model === 'bgnbd' ? { r: 0.25, alpha: 4.4, a: 0.8, b: 2.4 } : null,
    nbd: model === 'nbd' ? { r: 2.5, alpha: 40 } : null,
    boundaries: [],
    valuePercentiles: [],
    rfm: null,
    fittedAtMs: h.clock.now,
    customers: 1,
  })

  for (const model of ['nbd', 'bgnbd'] as const) {
    it(`${model}: the profile and the list say ${model}`, async () => {
      h.store.model = scoredWith(model)
      const c = `c-${model}`
      for (const [id, at] of [
        ['1', '2025-01-05T10:00:00Z'],
        ['2', '2025-02-01T10:00:00Z'],
      ] as const) {
        const res = await h.call('POST', '/v1/events', {
          body: orderEvent(c, `${model}-${id}`, 20, at),
        })
        expect(res.status).toBe(200)
      }
      const p = (await h.call('GET', `/v1/customers/${c}`)).json
      expect(p.prediction.model).toBe(model)
      expect(p.prediction.pAlive).not.toBeNull()
      if (model === 'nbd') expect(p.prediction.pAlive).toBe(1)
      const list = (await h.call('GET', '/v1/customers?limit=100')).json.customers
      expect(list.find((x: { customerId: string }) => x.customerId === c).prediction.model).toBe(
        model,
      )
    })
  }

  it('no model yet: no prediction and no model named', async () => {
    h.store.model = null
    await h.call('POST', '/v1/events', {
      body: orderEvent('c-none', 'none-1', 20, '2025-01-05T10:00:00Z'),
    })
    const p = (await h.call('GET', '/v1/customers/c-none')).json
    expect(p.prediction).toMatchObject({ model: null, pAlive: null })
  })
})
