// The stores every cross-engine suite runs against: a DuckDB file and a private schema of the test
// PostgreSQL server (started by test/helpers/postgres-global.ts). Use with describe.each(STORES).
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, inject } from 'vitest'
import type { Dialect, Engine } from '../../src/data/engine.ts'
import { trackingActual } from '../../src/data/queries/prediction-tracking.ts'
import { openWorkspace } from '../../src/data/workspace.ts'
import { tempDir } from '../helpers/cli.ts'
import { isolatedPostgresUrl } from '../helpers/postgres.ts'

export interface TestStore {
  /** What `openWorkspace` takes: a DuckDB file path or a postgres:// URL with its own schema. */
  readonly location: string
  /** Remove the store (file or schema). Close every engine opened on it first. */
  cleanup(): Promise<void>
}

export interface StoreKind {
  readonly name: Dialect
  create(): Promise<TestStore>
}

export const STORES: readonly StoreKind[] = [
  {
    name: 'duckdb',
    async create() {
      const dir = tempDir('loyals-engine-')
      return {
        location: join(dir, 'store.duckdb'),
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      }
    },
  },
  {
    name: 'postgres',
    async create() {
      const { url, drop } = await isolatedPostgresUrl(inject('pgUrl'))
      return { location: url, cleanup: drop }
    },
  },
]

/** A new, empty workspace of each kind, opened: `{ engine, store }`. */
export async function openStore(kind: StoreKind): Promise<{ engine: Engine; store: TestStore }> {
  const store = await kind.create()
  return { engine: await openWorkspace(store.location), store }
}

/**
 * Inside a describe: a store of `kind` opened before its tests with the rows of `csv`
 * (order_id,customer_id,ordered_at,amount with a header) in its orders, stored as the importer
 * stores them (a PostgreSQL store is filled through its server), closed and removed after them.
 * Returns the engine's getter.
 */
export function storeWithOrders(kind: StoreKind, csv: string): () => Engine {
  let store: TestStore | undefined
  let engine: Engine | undefined
  beforeAll(async () => {
    ;({ engine, store } = await openStore(kind))
    const values = csv
      .trim()
      .split('\n')
      .slice(1)
      .map((line, i) => {
        const [id, c, day, amount] = line.split(',')
        return `('k${i}', '${id}', '${c}', TIMESTAMP '${day}', DATE '${day?.slice(0, 10)}', ${amount})`
      })
    await engine.exec(`INSERT INTO orders (order_key, order_id, customer_id, ordered_at, order_date, amount)
      VALUES ${values.join(', ')}`)
  })
  afterAll(async () => {
    await engine?.close()
    await store?.cleanup()
  })
  return () => {
    if (!engine) throw new Error('the store opens before the tests')
    return engine
  }
}

/** Repeat purchases on the tracking curve (analyze's, DuckDB) of `summary`, over 2024, in all. */
export async function trackedRepeats(engine: Engine, summary: string): Promise<number> {
  const track = await engine.query<{ purchases: number }>(
    trackingActual('duckdb', { summary, start: '2024-01-01', end: '2024-12-31', unitDays: 7 }),
  )
  return track.reduce((a, r) => a + Number(r.purchases), 0)
}
