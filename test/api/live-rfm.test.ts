// The live profile's RFM segment follows the analysis' rule (docs/rfm.md): recency in whole days
// since the last purchase day, frequency in purchase days, equal values sharing a score. It was
// scored on fractional days and interpolated cut points, so two customers who bought on the same
// day for the same amount got different segments when one bought at 00:30 and the other at 23:30,
// and the live segments disagreed with `loyals analyze` on the same orders.
import { describe, expect, it } from 'vitest'
import { computeAnalysis } from '../../src/service/analyze.ts'
import { STORES } from '../engines/stores.ts'
import { harness, orderEvent, waitJob } from './harness.ts'

const NOW = Date.parse('2024-12-31T12:00:00Z')
const day = (i: number) => new Date(Date.UTC(2024, 0, 1 + 20 * i)).toISOString().slice(0, 10)

describe.each(STORES)('live RFM segments on $name', (kind) => {
  it('give customers who bought on the same days the same segment, and agree with analyze', async () => {
    const h = await harness(kind, { now: NOW })
    try {
      // pairs Pia (00:30) and Pib (23:30) on the same day and amount; even pairs also bought
      // ten days before, so frequency varies too
      for (let i = 0; i < 10; i++) {
        for (const [s, hour] of [
          ['a', '00:30'],
          ['b', '23:30'],
        ] as const) {
          const c = `P${i}${s}`
          const orders: [string, string, number][] = [
            [`${c}-1`, `${day(i)}T${hour}:00Z`, 10 * (i + 1)],
          ]
          if (i % 2 === 0) {
            const earlier = new Date(Date.parse(`${day(i)}T${hour}:00Z`) - 10 * 86_400_000)
            orders.push([`${c}-0`, earlier.toISOString(), 5])
          }
          for (const [id, at, total] of orders) {
            const res = await h.call('POST', '/v1/events', { body: orderEvent(c, id, total, at) })
            expect(res.status).toBe(200)
          }
        }
      }
      const job = await h.call('POST', '/v1/jobs/refit', { role: 'analyst' })
      expect((await waitJob(h, job.json.jobId)).status).toBe('succeeded')
      const live = new Map<string, string>()
      for (let i = 0; i < 10; i++) {
        for (const s of ['a', 'b']) {
          const r = await h.call('GET', `/v1/customers/P${i}${s}`)
          expect(r.status).toBe(200)
          live.set(`P${i}${s}`, r.json.segment)
        }
      }
      for (let i = 0; i < 10; i++) expect(live.get(`P${i}a`), `pair ${i}`).toBe(live.get(`P${i}b`))

      // analyze reads the embedded store only; on PostgreSQL the pairs above are the check
      if (kind.name !== 'duckdb') return
      await computeAnalysis(h.engine, {
        source: 'test',
        asOf: '2024-12-31',
        predictions: false,
        value: false,
      })
      const rows = await h.engine.query<{ customer_id: string; rfm_segment: string }>(
        'SELECT customer_id, rfm_segment FROM customer_analysis ORDER BY customer_id',
      )
      expect(rows).toHaveLength(20)
      for (const r of rows) expect(live.get(r.customer_id), r.customer_id).toBe(r.rfm_segment)
    } finally {
      await h.close()
    }
  })
})
