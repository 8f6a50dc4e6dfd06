// The library's entry points that run DuckDB's own SQL refuse a PostgreSQL store up front, in the
// user's terms, instead of failing on the server's syntax error at their first such statement.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/data/engine.ts'
import { UsageError } from '../../src/errors.ts'
import { analyze, computeAnalysis } from '../../src/service/analyze.ts'
import { customerProfile } from '../../src/service/customer-profile.ts'
import { importFile } from '../../src/service/import/import-file.ts'
import { computeInsights } from '../../src/service/insights/index.ts'
import { tempDir } from '../helpers/cli.ts'
import { openStore, STORES, type TestStore } from './stores.ts'

const postgres = STORES.find((s) => s.name === 'postgres')!

describe('library entry points on PostgreSQL', () => {
  let engine: Engine
  let store: TestStore
  const dir = tempDir('loyals-embedded-')
  const orders = join(dir, 'orders.csv')
  beforeAll(async () => {
    ;({ engine, store } = await openStore(postgres))
    writeFileSync(orders, 'customer_id,ordered_at,amount\nA,2024-01-01,10\nA,2024-02-01,20\n')
  })
  afterAll(async () => {
    await engine.close()
    await store.cleanup()
  })

  const refusal = (what: string) =>
    expect.objectContaining({
      constructor: UsageError,
      message: expect.stringMatching(
        new RegExp(`^${what} needs the embedded DuckDB store, not PostgreSQL .*loyals serve`),
      ),
    })

  it('importFile refuses before reading the file, and stores nothing', async () => {
    await expect(importFile(engine, orders, { kind: 'orders' })).rejects.toEqual(
      refusal('importFile'),
    )
    const [stored] = await engine.query<{ n: number }>('SELECT count(*) AS n FROM orders')
    expect(Number(stored?.n)).toBe(0)
  })

  it('analyze, computeAnalysis, customerProfile and computeInsights refuse', async () => {
    await expect(computeAnalysis(engine, { source: 'x' })).rejects.toEqual(refusal('analyze'))
    await expect(analyze(engine, join(dir, 'out'), { source: 'x' })).rejects.toEqual(
      refusal('analyze'),
    )
    await expect(customerProfile(engine, 'A', {})).rejects.toEqual(refusal('customerProfile'))
    await expect(computeInsights(engine, { asOf: '2024-02-01' })).rejects.toEqual(
      refusal('insights'),
    )
  })
})
