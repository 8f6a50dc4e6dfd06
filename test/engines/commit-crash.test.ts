// A process killed while a large transaction commits into a DuckDB workspace file: the next open
// finds the store as it was before the transaction, not the part of the commit that reached the
// WAL. DuckDB 1.5 replays a WAL cut short in part (duckdb/duckdb PR #25931): the state such a kill
// leaves is made here by a child that commits and dies without a checkpoint, its WAL then cut by
// one byte, as a kill between the commit's writes leaves it.
import { spawn, spawnSync } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { openDuckDb } from '../../src/data/duckdb.ts'
import { WHOLE_ON_CRASH } from '../../src/data/engine.ts'
import { processStart } from '../../src/data/process-alive.ts'
import { tempDir } from '../helpers/cli.ts'
import { commitThenKill } from '../helpers/killed-commit.ts'

/** A workspace of 1,000 rows and one log line, checkpointed (no WAL). */
async function baseWorkspace(dir: string): Promise<string> {
  const path = join(dir, 'w.duckdb')
  const e = await openDuckDb(path)
  await e.exec(`CREATE TABLE t (a INTEGER, s VARCHAR);
    INSERT INTO t SELECT i, 'row ' || i FROM range(0, 1000) r(i);
    CREATE TABLE log (x VARCHAR); INSERT INTO log VALUES ('import 1')`)
  await e.close()
  expect(existsSync(`${path}.wal`)).toBe(false)
  return path
}

/**
 * A child commits one transaction of three statements into `path` (300,000 rows in, 500 out, a
 * log line) and is killed before any checkpoint: the WAL beside the file holds the whole commit.
 */
function commitAndDie(path: string): void {
  const r = commitThenKill(path, [
    "INSERT INTO t SELECT i, 'row ' || i FROM range(1000, 301000) r(i)",
    'DELETE FROM t WHERE a < 500',
    "INSERT INTO log VALUES ('import 2')",
  ])
  expect(r.signal, r.stderr).toBe('SIGKILL')
  expect(statSync(`${path}.wal`).size).toBeGreaterThan(100)
}

async function contents(path: string) {
  const e = await openDuckDb(path)
  try {
    const [r] = await e.query<{ n: number; low: number; log: string }>(
      "SELECT (SELECT count(*) FROM t) AS n, (SELECT count(*) FROM t WHERE a < 500) AS low, (SELECT string_agg(x, ',' ORDER BY x) FROM log) AS log",
    )
    return r
  } finally {
    await e.close()
  }
}

/** The id of a process that has ended. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])
  return Number(r.stdout.toString())
}

const BEFORE = { n: 1000, low: 500, log: 'import 1' }
const AFTER = { n: 300500, low: 0, log: 'import 1,import 2' }

describe('a large transaction killed in its commit (DuckDB file)', () => {
  test('with the marker of a dead process, a WAL cut short is discarded: the store is as before', async () => {
    const dir = tempDir('loyals-commit-crash-')
    const path = await baseWorkspace(dir)
    commitAndDie(path)
    const wal = readFileSync(`${path}.wal`)
    // the scene without the marker: DuckDB replays the cut WAL in part (the rows in, not out)
    const bare = join(dir, 'bare.duckdb')
    copyFileSync(path, bare)
    writeFileSync(`${bare}.wal`, wal.subarray(0, wal.length - 1))
    const partial = await contents(bare)
    expect(partial).not.toEqual(BEFORE)
    expect(partial).not.toEqual(AFTER)
    // the same scene left by a process killed inside #transaction: its marker beside the file
    truncateSync(`${path}.wal`, wal.length - 1)
    writeFileSync(`${path}.committing`, `${deadPid()}\n`)
    expect(await contents(path)).toEqual(BEFORE)
    expect(existsSync(`${path}.committing`)).toBe(false)
    // and it stays so: nothing of the cut WAL comes back at a later open
    expect(await contents(path)).toEqual(BEFORE)
  })

  test('a marker of a process still running is left alone, and so is its WAL', async () => {
    const dir = tempDir('loyals-commit-live-')
    const path = await baseWorkspace(dir)
    commitAndDie(path)
    const live = spawn('sleep', ['30'])
    try {
      writeFileSync(`${path}.committing`, `${live.pid}\n`)
      expect(await contents(path)).toEqual(AFTER)
      expect(existsSync(`${path}.committing`)).toBe(true)
    } finally {
      live.kill('SIGKILL')
    }
  })

  test('a marker whose process id now names another process (started since) is acted on', async () => {
    const dir = tempDir('loyals-commit-reused-')
    const path = await baseWorkspace(dir)
    commitAndDie(path)
    truncateSync(`${path}.wal`, statSync(`${path}.wal`).size - 1)
    const other = spawn('sleep', ['30'])
    try {
      const pid = other.pid ?? 0
      writeFileSync(`${path}.committing`, `${pid} ${Number(processStart(pid)) + 1}\n`)
      expect(await contents(path)).toEqual(BEFORE)
      expect(existsSync(`${path}.committing`)).toBe(false)
    } finally {
      other.kill('SIGKILL')
    }
  })

  test('the marker names this process while the transaction runs and is gone after it, committed or not', async () => {
    const path = await baseWorkspace(tempDir('loyals-commit-marker-'))
    const e = await openDuckDb(path)
    try {
      const seen = await e.transaction(async (tx) => {
        await tx.exec("INSERT INTO log VALUES ('import 2')")
        return readFileSync(`${path}.committing`, 'utf8').trim()
      }, WHOLE_ON_CRASH)
      // this process, by its id and its start (a later process given the id is not it)
      expect(seen).toBe(`${process.pid} ${processStart(process.pid)}`)
      expect(existsSync(`${path}.committing`)).toBe(false)
      // checkpointed after the commit: the file alone holds it
      expect(existsSync(`${path}.wal`)).toBe(false)
      const failed = await e
        .transaction(async (tx) => {
          await tx.exec("INSERT INTO log VALUES ('import 3')")
          throw new Error('stop')
        }, WHOLE_ON_CRASH)
        .catch((x: unknown) => x)
      expect((failed as Error).message).toBe('stop')
      expect(existsSync(`${path}.committing`)).toBe(false)
      // an ordinary transaction writes no marker
      await e.transaction(async (tx) => {
        await tx.exec("INSERT INTO log VALUES ('note')")
        expect(existsSync(`${path}.committing`)).toBe(false)
      })
    } finally {
      await e.close()
    }
    expect(await contents(path)).toEqual({ n: 1000, low: 500, log: 'import 1,import 2,note' })
  })
})
