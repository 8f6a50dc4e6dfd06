import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createRng } from '../core/random.ts'
import { assignSegment, DEFAULT_RFM_RULES, rfmSegmentCaseSql } from '../core/rfm-segments.ts'
import type { Engine } from '../data/engine.ts'
import { openWorkspace } from '../data/workspace.ts'
import { UsageError } from '../errors.ts'
import { buildRfm, loadRfmRules } from './rfm.ts'

// Ten customers with hand-computed quintile scores. score = 1 + floor(5 (rank - 1) / 10), rank()
// gives ties the lowest rank of their group.
//   recency days 1..10 -> ranks (descending days) 10..1 -> scores 5,5,4,4,3,3,2,2,1,1
//   purchase days 1,1,1,1,1,1,2,2,3,5 -> ranks 1x6, 7, 7, 9, 10 -> scores 1x6, 4, 4, 5, 5
//   revenue 10,20,20,30,40,50,60,70,80,90 -> ranks 1,2,2,4,5,...,10 -> 1,1,1,2,3,3,4,4,5,5
const DAYS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
const FREQ = [5, 3, 2, 1, 1, 2, 1, 1, 1, 1]
const REV = [90, 80, 70, 60, 50, 40, 30, 20, 20, 10]
const R = [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
const F = [5, 5, 4, 1, 1, 4, 1, 1, 1, 1]
const M = [5, 5, 4, 4, 3, 3, 2, 1, 1, 1]

describe('buildRfm', () => {
  let engine: Engine
  beforeEach(async () => {
    engine = await openWorkspace(':memory:')
    const values = DAYS.map(
      (d, i) => `('c${i + 1}', ${d}, ${FREQ[i]}, CAST(${REV[i]} AS DOUBLE))`,
    ).join(', ')
    await engine.exec(`CREATE TEMP TABLE customer_summary AS SELECT * FROM (VALUES ${values})
      t(customer_id, days_since_last, purchase_days, revenue)`)
  })
  afterEach(async () => engine.close())

  it('scores by quintile with ties in the lower bucket', async () => {
    const res = await buildRfm(engine, { table: 'customer_summary' })
    expect(res.table).toBe('customer_rfm')
    expect(res.customers).toBe(10)
    const rows = await engine.query<{
      customer_id: string
      r_score: number
      f_score: number
      m_score: number
      rfm: string
      rfm_segment: string
    }>('SELECT * FROM customer_rfm ORDER BY CAST(substr(customer_id, 2) AS INTEGER)')
    expect(rows.map((r) => r.r_score)).toEqual(R)
    expect(rows.map((r) => r.f_score)).toEqual(F)
    expect(rows.map((r) => r.m_score)).toEqual(M)
    expect(rows[0]?.rfm).toBe('555')
    expect(rows.map((r) => r.rfm_segment)).toEqual(R.map((r, i) => assignSegment(r, F[i]!, M[i]!)))
    expect(rows[0]?.rfm_segment).toBe('Champions')
    expect(rows[9]?.rfm_segment).toBe('Lost')
    // segment totals add up
    expect(res.segments.reduce((s, x) => s + x.revenue, 0)).toBeCloseTo(470, 9)
    expect(res.grid.reduce((s, x) => s + x.customers, 0)).toBe(10)
  })

  it('gives every customer the same score when all values tie', async () => {
    await engine.exec('UPDATE customer_summary SET purchase_days = 1')
    await buildRfm(engine, {})
    const [row] = await engine.query<{ lo: number; hi: number }>(
      'SELECT min(f_score) AS lo, max(f_score) AS hi FROM customer_rfm',
    )
    expect(row).toEqual({ lo: 1, hi: 1 })
  })

  // The scores are comparisons with cut values (core/rfm-cuts.ts); the definition is the rank()
  // formula. Both on random data with heavy ties, NULLs and sizes not divisible by 5.
  it.each([1, 2, 3, 7, 499, 1003])('equals the rank() definition for %i customers', async (n) => {
    const rng = createRng(n)
    const rnd = () => rng.uniform()
    const nul = (v: string) => (rnd() < 0.03 ? 'NULL' : v)
    const values = Array.from({ length: n }, (_, i) => {
      const days = nul(String(Math.floor(rnd() * 40)))
      const freq = nul(String(rnd() < 0.6 ? 1 : 1 + Math.floor(rnd() * 6)))
      const rev = nul(`CAST(${(Math.floor(rnd() * 300) / 4 - 5).toFixed(2)} AS DOUBLE)`)
      return `('x${i}', ${days}, ${freq}, ${rev})`
    }).join(', ')
    await engine.exec(`CREATE OR REPLACE TEMP TABLE rand_summary AS SELECT * FROM (VALUES ${values})
      t(customer_id, days_since_last, purchase_days, revenue)`)
    await buildRfm(engine, { table: 'rand_summary', out: 'rand_rfm' })
    const score = (order: string) =>
      `CAST(1 + floor(5.0 * (rank() OVER (ORDER BY ${order}) - 1) / count(*) OVER ()) AS INTEGER)`
    const diff = await engine.query(`
      SELECT a.customer_id FROM rand_rfm a JOIN (
        SELECT customer_id, ${score('days_since_last DESC NULLS LAST')} AS r,
          ${score('purchase_days ASC NULLS LAST')} AS f, ${score('revenue ASC NULLS LAST')} AS m
        FROM rand_summary) b USING (customer_id)
      WHERE a.r_score <> b.r OR a.f_score <> b.f OR a.m_score <> b.m`)
    expect(diff).toEqual([])
    const [c] = await engine.query<{ c: number }>('SELECT count(*) AS c FROM rand_rfm')
    expect(c?.c).toBe(n)
  })

  it('the SQL CASE agrees with assignSegment on all 125 score triples', async () => {
    const rows = await engine.query<{ r: number; f: number; m: number; seg: string }>(`
      SELECT r, f, m, ${rfmSegmentCaseSql(DEFAULT_RFM_RULES, { r: 'r', f: 'f', m: 'm' })} AS seg
      FROM range(1, 6) a(r), range(1, 6) b(f), range(1, 6) c(m)`)
    expect(rows.length).toBe(125)
    for (const x of rows) expect(x.seg).toBe(assignSegment(x.r, x.f, x.m))
  })

  it('uses custom rules from a JSON file and rejects bad ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loyals-rfm-'))
    const good = join(dir, 'good.json')
    writeFileSync(good, JSON.stringify({ rules: [{ name: 'Top', m: [5, 5] }], fallback: 'Rest' }))
    const res = await buildRfm(engine, { rules: await loadRfmRules(good) })
    expect(Object.fromEntries(res.segments.map((s) => [s.segment, s.customers]))).toEqual({
      Top: 2,
      Rest: 8,
    })
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, JSON.stringify({ rules: [{ name: 'x', r: [6, 7] }] }))
    await expect(loadRfmRules(bad)).rejects.toThrow(UsageError)
    await expect(loadRfmRules(bad)).rejects.toThrow(`${bad}:1 rules[0].r[0]: Too big`)
    await expect(loadRfmRules(join(dir, 'missing.json'))).rejects.toThrow(/cannot read/)
  })
})
