// The stores every cross-engine suite runs against: a DuckDB file and a private schema of the test
// PostgreSQL server (started by test/helpers/postgres-global.ts). Use with describe.each(STORES).
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { inject } from 'vitest'
import type { Dialect, Engine } from '../../src/data/engine.ts'
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
 * Rows of `csv` (order_id,customer_id,ordered_at,amount with a header) into the store's orders as
 * the importer stores them: a PostgreSQL store is filled through its server.
 */
export async function insertOrderCsv(engine: Engine, csv: string): Promise<void> {
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
}
