// The rising-stars model trains on the earlier acquired half of the eligible customers. A cohort
// whose customers all first bought on one day (the CLVTools apparel data) still splits in two:
// the median day is everyone's day, and "before the median" would leave nobody to train on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { insightsEarlyFeatures } from '../../src/data/queries/insights-early-features.ts'
import { openWorkspace } from '../../src/data/workspace.ts'

describe('rising stars train/validate split', () => {
  let engine: Engine
  beforeAll(async () => {
    engine = await openWorkspace(':memory:')
  })
  afterAll(async () => {
    await engine.close()
  })

  const split = async (firstDay: (i: number) => string, n: number) => {
    await engine.exec(`CREATE OR REPLACE TEMP TABLE insights_base AS
      SELECT i AS cidx, 'c' || i AS customer_id, i % 5 = 0 AS top, i AS value, true AS eligible,
        400 AS tenure_days FROM range(${n}) t(i)`)
    const days = Array.from({ length: n }, (_, i) => `(${i}, DATE '${firstDay(i)}')`).join(', ')
    await engine.exec(
      `CREATE OR REPLACE TEMP TABLE insights_first AS SELECT * FROM (VALUES ${days}) t(cidx, first_day)`,
    )
    await engine.exec(
      insightsEarlyFeatures('duckdb', { features: [{ sql: '1' }], earlyDays: 90 }).sql,
    )
    return engine.query<{ split: string; n: number; first: string; last: string }>(
      `SELECT split, count(*) AS n, CAST(min(f.first_day) AS VARCHAR) AS first, CAST(max(f.first_day) AS VARCHAR) AS last
       FROM insights_features x JOIN insights_first f USING (cidx) GROUP BY split ORDER BY split`,
    )
  }

  it('one first day for everyone: two halves all the same', async () => {
    const rows = await split(() => '2005-01-02', 600)
    expect(rows.map((r) => [r.split, Number(r.n)])).toEqual([
      ['train', 300],
      ['validate', 300],
    ])
  })

  it('distinct days: the earlier half trains, the later validates', async () => {
    const rows = await split((i) => `2005-01-${String(1 + (i % 20)).padStart(2, '0')}`, 40)
    expect(rows).toEqual([
      { split: 'train', n: 20, first: '2005-01-01', last: '2005-01-10' },
      { split: 'validate', n: 20, first: '2005-01-11', last: '2005-01-20' },
    ])
  })
})
