// The live profile's RFM segment follows the analysis' rule (docs/rfm.md): recency in whole days
// since the last purchase day, frequency in purchase days, equal values sharing a score. It was
// scored on fractional days and interpolated cut points, so two customers who bought on the same
// day for the same amount got different segments when one bought at 00:30 and the other at 23:30,
// and the live segments disagreed with `loyals analyze` on the same orders.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { computeAnalysis } from '../../src/service/analyze.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { STORES } from '../engines/stores.ts'
import { tempDir } from '../helpers/cli.ts'
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

describe('live RFM segments of orders imported with --tz', () => {
  it('count the days the orders were placed on, as analyze does', async () => {
    // Auckland (UTC+13 in summer): A_i at 12:30 UTC is 01:30 the next local day, B_i at 05:00 UTC
    // the next day is 18:00 that same local day. Pairs share a local day but not a UTC day.
    const now = Date.parse('2024-12-31T00:30:00Z') // 13:30 on 2024-12-31 in Auckland
    const h = await harness(STORES.find((s) => s.name === 'duckdb')!, { now })
    try {
      // two older customers, so that quintile cuts fall inside pairs (22 customers: the cuts
      // are at the 5th, 9th, 14th and 18th worst recency)
      const rows = [
        'order_id,customer_id,ordered_at,amount',
        'y,Y,2023-06-01T05:00:00Z,5',
        'z,Z,2023-07-01T05:00:00Z,5',
      ]
      for (let i = 0; i < 10; i++) {
        const d = Date.UTC(2024, 0, 1 + 20 * i)
        const iso = (ms: number) => new Date(ms).toISOString()
        rows.push(`a${i},A${i},${iso(d + 12.5 * 3_600_000)},${10 * (i + 1)}`)
        rows.push(`b${i},B${i},${iso(d + 29 * 3_600_000)},${10 * (i + 1)}`)
      }
      const dir = tempDir('loyals-live-tz-')
      const file = join(dir, 'orders.csv')
      writeFileSync(file, `${rows.join('\n')}\n`)
      await importFile(h.engine, file, {
        kind: 'orders',
        tz: 'Pacific/Auckland',
        now: new Date(now),
      })
      const job = await h.call('POST', '/v1/jobs/refit', { role: 'analyst' })
      expect((await waitJob(h, job.json.jobId)).status).toBe('succeeded')
      const live = new Map<string, string>()
      for (const c of ['Y', 'Z']) {
        live.set(c, (await h.call('GET', `/v1/customers/${c}`)).json.segment)
      }
      for (let i = 0; i < 10; i++) {
        for (const c of [`A${i}`, `B${i}`]) {
          live.set(c, (await h.call('GET', `/v1/customers/${c}`)).json.segment)
        }
        expect(live.get(`A${i}`), `pair ${i}`).toBe(live.get(`B${i}`))
      }
      await computeAnalysis(h.engine, {
        source: 'test',
        asOf: '2024-12-31',
        predictions: false,
        value: false,
      })
      const got = await h.engine.query<{ customer_id: string; rfm_segment: string }>(
        'SELECT customer_id, rfm_segment FROM customer_analysis ORDER BY customer_id',
      )
      expect(got).toHaveLength(22)
      for (const r of got) expect(live.get(r.customer_id), r.customer_id).toBe(r.rfm_segment)
    } finally {
      await h.close()
    }
  })
})
