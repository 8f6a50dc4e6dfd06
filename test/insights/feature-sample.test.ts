// The rising-stars model trains on a sample of the customers' early features. The sample must be
// the same on every run of the same data: with the engine's seeded reservoir sample it was so on
// one thread only, and a 1M-order file's rising stars differed between two runs on two.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { insightsFeatureSample } from '../../src/data/queries/insights-early-features.ts'
import { openWorkspace } from '../../src/data/workspace.ts'

describe('the rising-stars training sample', () => {
  let engine: Engine
  beforeAll(async () => {
    engine = await openWorkspace(':memory:')
    // enough rows that a scan runs on several threads
    await engine.exec(`CREATE OR REPLACE TEMP TABLE insights_features AS
      SELECT CAST(i AS INTEGER) AS cidx, CASE WHEN i % 2 = 0 THEN 'train' ELSE 'validate' END AS split,
        i % 7 = 0 AS top, CAST(i % 1000 AS DOUBLE) AS x0, CAST(i % 13 AS DOUBLE) AS x1
      FROM range(1200000) t(i)`)
  })
  afterAll(async () => {
    await engine.close()
  })

  const draw = async (threads: number, seed = 7) => {
    await engine.exec(`SET threads = ${threads}`)
    const [r] = await engine.query<{ x: number[]; top: number[]; n: number }>(
      insightsFeatureSample('duckdb', { split: 'train', p: 2, limit: 5000, seed }),
    )
    return r
  }

  it('is the same rows whatever the number of threads, and another seed draws others', async () => {
    const one = await draw(1)
    const two = await draw(2)
    const four = await draw(4)
    expect(Number(one?.n)).toBe(5000)
    expect(two?.x).toEqual(one?.x)
    expect(four?.x).toEqual(one?.x)
    expect(four?.top).toEqual(one?.top)
    expect((await draw(2, 8))?.x).not.toEqual(one?.x)
    // rows of the split only: every x0 is even (train rows have even i, x0 = i % 1000)
    expect((one?.x ?? []).filter((_, k) => k % 2 === 0).every((v) => v % 2 === 0)).toBe(true)
  })
})
