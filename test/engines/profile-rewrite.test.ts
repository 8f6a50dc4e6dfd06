// customer_profile is rewritten on every event and refit. DuckDB 1.5.6 has two faults on a
// delete + insert of the same key under its unique index: refused in a process that opened the
// file and had not looked the key up ("Duplicate key"), and, when the process was killed after
// the commit, replayed from the write-ahead log without the new rows in the index (the next
// rewrite then invalidated the whole database). Both are checked here on a real file.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { openWorkspace } from '../../src/data/workspace.ts'
import { writeProfiles } from '../../src/service/ops/ingest.ts'
import { emptyProfile } from '../../src/service/ops/profile.ts'
import { commitThenKill } from '../helpers/killed-commit.ts'

const dir = mkdtempSync(join(tmpdir(), 'loyals-profile-rewrite-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const N = 3000
const profiles = (orders: number) =>
  Array.from({ length: N }, (_, i) => ({ ...emptyProfile(`c${i}`, 0), ordersCount: orders }))

async function rewriteAndRead(file: string, orders: number) {
  const engine = await openWorkspace(file)
  try {
    await engine.transaction((tx) => writeProfiles(tx, profiles(orders)))
    return await engine.query<{ n: number; orders: number }>(
      `SELECT count(*) AS n, min(orders_count) AS orders FROM customer_profile WHERE customer_id = 'c5'`,
    )
  } finally {
    await engine.close()
  }
}

describe('customer_profile rewrites on a DuckDB file', () => {
  test('a process that opens the file rewrites stored profiles it has not read', async () => {
    const file = join(dir, 'cold.duckdb')
    expect(await rewriteAndRead(file, 1)).toEqual([{ n: 1, orders: 1 }])
    // a new instance: the index is read back from the file
    expect(await rewriteAndRead(file, 2)).toEqual([{ n: 1, orders: 2 }])
  })

  test('a rewrite committed by a process killed before its checkpoint is replayed whole', async () => {
    const file = join(dir, 'killed.duckdb')
    expect(await rewriteAndRead(file, 1)).toEqual([{ n: 1, orders: 1 }])
    // the built modules, as the server runs them; killed right after the commit
    const dist = (m: string) => JSON.stringify(resolve('dist', m))
    const script = `
      const { openWorkspace } = await import(${dist('data/workspace.js')})
      const { writeProfiles } = await import(${dist('service/ops/ingest.js')})
      const { emptyProfile } = await import(${dist('service/ops/profile.js')})
      const e = await openWorkspace(${JSON.stringify(file)})
      const ps = Array.from({ length: ${N} }, (_, i) => ({ ...emptyProfile('c' + i, 0), ordersCount: 2 }))
      await e.transaction((tx) => writeProfiles(tx, ps))
      process.kill(process.pid, 'SIGKILL')`
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    })
    expect(run.signal, run.stderr).toBe('SIGKILL')
    expect(existsSync(`${file}.wal`)).toBe(true)
    expect(await rewriteAndRead(file, 3)).toEqual([{ n: 1, orders: 3 }])
    // and once more from a clean open: every profile found through the index
    const engine = await openWorkspace(file)
    try {
      const rows = await engine.query<{ n: number }>(
        `SELECT count(*) AS n FROM customer_profile WHERE customer_id = 'c2999' AND orders_count = 3`,
      )
      expect(rows).toEqual([{ n: 1 }])
    } finally {
      await engine.close()
    }
  })

  test('a workspace whose log holds a delete + insert of the same keys (as earlier versions wrote) opens whole', async () => {
    const file = join(dir, 'older.duckdb')
    expect(await rewriteAndRead(file, 1)).toEqual([{ n: 1, orders: 1 }])
    // profiles made in this process (their index entries in memory), then deleted and inserted
    // again in one transaction, as writeProfiles did before it updated; killed after the commit
    const values = (orders: number) =>
      `INSERT INTO customer_profile (customer_id, orders_count, purchase_days, revenue, referrals, reviews, updated_at) SELECT 'd' || i, ${orders}, 1, 1, 0, 0, TIMESTAMP '2026-01-01' FROM range(${N}) t(i)`
    const run = commitThenKill(
      file,
      ["DELETE FROM customer_profile WHERE customer_id LIKE 'd%'", values(2)],
      [values(1)],
    )
    expect(run.signal, run.stderr).toBe('SIGKILL')
    expect(existsSync(`${file}.wal`)).toBe(true)
    const engine = await openWorkspace(file)
    try {
      // opened after a kill: the indexes were built again from the tables and checkpointed
      expect(existsSync(`${file}.wal`)).toBe(false)
      const d = Array.from({ length: N }, (_, i) => ({
        ...emptyProfile(`d${i}`, 0),
        ordersCount: 3,
      }))
      await engine.transaction((tx) => writeProfiles(tx, d))
      const rows = await engine.query<{ n: number }>(
        `SELECT count(*) AS n FROM customer_profile WHERE customer_id = 'd7' AND orders_count = 3`,
      )
      expect(rows).toEqual([{ n: 1 }])
    } finally {
      await engine.close()
    }
  })
})
