// A process that commits into a DuckDB file and is killed before any checkpoint: the WAL beside
// the file then holds the commit, as a crash right after it leaves it (engine tests of replay).
import { type SpawnSyncReturns, spawnSync } from 'node:child_process'
import { resolve } from 'node:path'

/**
 * In a child process: open `file` with DuckDB itself (no checkpoint on shutdown, none by WAL
 * size), run `before` (each its own commit), then `tx` in one transaction, and SIGKILL itself.
 */
export function commitThenKill(
  file: string,
  tx: readonly string[],
  before: readonly string[] = [],
): SpawnSyncReturns<string> {
  const run = (sqls: readonly string[]) =>
    sqls.map((q) => `await c.run(${JSON.stringify(q)})`).join('\n')
  const script = `
const { DuckDBInstance } = await import(${JSON.stringify(resolve('node_modules/@duckdb/node-api/lib/index.js'))})
const db = await DuckDBInstance.create(${JSON.stringify(file)})
const c = await db.connect()
await c.run("PRAGMA disable_checkpoint_on_shutdown; SET wal_autocheckpoint = '1TB'")
${run(before)}
await c.run('BEGIN TRANSACTION')
${run(tx)}
await c.run('COMMIT')
process.kill(process.pid, 'SIGKILL')`
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })
}
