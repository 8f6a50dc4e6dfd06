// `loyals fit` reads a PostgreSQL workspace as it reads a DuckDB one: the URL was taken for a file
// name ("postgres://...: file not found"), as FILE and as --db alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWorkspace } from '../../src/data/workspace.ts'
import { runCli } from '../helpers/cli.ts'
import { insertCdnowOrders } from './cdnow-orders.ts'
import { STORES, type TestStore } from './stores.ts'

interface FitJson {
  model: string
  params: Record<string, number>
  customers: number
}

const stores: Record<string, TestStore> = {}

beforeAll(async () => {
  for (const kind of STORES) {
    const store = await kind.create()
    const engine = await openWorkspace(store.location)
    try {
      await insertCdnowOrders(engine)
    } finally {
      await engine.close()
    }
    stores[kind.name] = store
  }
})
afterAll(async () => {
  for (const s of Object.values(stores)) await s.cleanup()
})

function runFit(args: readonly string[]): FitJson {
  const r = runCli(['fit', ...args, '--model', 'bgnbd', '--json'])
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as FitJson
}

describe('loyals fit on a PostgreSQL workspace', () => {
  it('fits the same BG/NBD as on DuckDB, named as FILE or by --db', () => {
    const duck = runFit([stores.duckdb!.location])
    expect(duck.customers).toBe(2357)
    for (const args of [[stores.postgres!.location], ['--db', stores.postgres!.location]]) {
      const pg = runFit(args)
      expect(pg.customers).toBe(2357)
      for (const [k, v] of Object.entries(duck.params)) {
        expect(pg.params[k]).toBeCloseTo(v, 6)
      }
    }
  })

  it('refuses a table model on it as on a DuckDB workspace', () => {
    const r = runCli(['fit', stores.postgres!.location, '--model', 'bgbb'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`; ${stores.postgres!.location} is a workspace`)
  })
})
