// `loyals summary --format json` prints the same bytes on PostgreSQL as on DuckDB, whose COPY ...
// (FORMAT json, ARRAY true) lays out one record per line: PostgreSQL's printed a one-line array.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWorkspace } from '../../src/data/workspace.ts'
import { runCli, tempDir } from '../helpers/cli.ts'
import { insertCdnowOrders } from './cdnow-orders.ts'
import { STORES, type TestStore } from './stores.ts'

const full: Record<string, TestStore> = {}
const empty: Record<string, TestStore> = {}

beforeAll(async () => {
  for (const kind of STORES) {
    for (const into of [full, empty]) {
      const store = await kind.create()
      const engine = await openWorkspace(store.location)
      try {
        if (into === full) await insertCdnowOrders(engine)
      } finally {
        await engine.close()
      }
      into[kind.name] = store
    }
  }
})
afterAll(async () => {
  for (const s of [...Object.values(full), ...Object.values(empty)]) await s.cleanup()
})

describe('loyals summary --format json', () => {
  it('prints the same bytes on PostgreSQL as on DuckDB', () => {
    const print = (s: TestStore, format: string) => {
      const r = runCli(['summary', '--db', s.location, '--format', format])
      expect(r.code, r.stderr).toBe(0)
      return r.stdout
    }
    for (const format of ['json', 'csv']) {
      const duck = print(full.duckdb!, format)
      expect(duck.length).toBeGreaterThan(1000)
      expect(print(full.postgres!, format)).toBe(duck)
    }
  })

  it('writes the same file with --out', () => {
    const dir = tempDir()
    const write = (s: TestStore, name: string) => {
      const out = join(dir, name)
      const r = runCli(['summary', '--db', s.location, '--format', 'json', '--out', out])
      expect(r.code, r.stderr).toBe(0)
      return readFileSync(out, 'utf8')
    }
    expect(write(full.postgres!, 'pg.json')).toBe(write(full.duckdb!, 'duck.json'))
  })

  it('prints the same for a workspace without orders', () => {
    const print = (s: TestStore) => runCli(['summary', '--db', s.location, '--format', 'json'])
    const duck = print(empty.duckdb!)
    const pg = print(empty.postgres!)
    expect({ code: pg.code, stdout: pg.stdout }).toEqual({ code: duck.code, stdout: duck.stdout })
  })
})
