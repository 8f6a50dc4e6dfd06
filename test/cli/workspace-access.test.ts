// A workspace this user may not write (another user's file, a read-only copy) is a usage error
// that says so, not DuckDB's "query failed: IO Error". Run as a real process under another uid:
// root (CI) runs the CLI as `nobody`; any other user gets a file made read-only for everyone.
import { spawnSync } from 'node:child_process'
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CLI, runCli, tempDir } from '../helpers/cli.ts'

const NOBODY = 65534
const asRoot = process.getuid?.() === 0

function runAs(args: readonly string[], cwd: string): { code: number; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, TZ: 'UTC', NO_COLOR: '1', HOME: cwd },
    encoding: 'utf8',
    timeout: 60_000,
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  })
  return { code: r.status ?? -1, stderr: r.stderr }
}

// the checkout may sit where `nobody` cannot read the built CLI (a home directory): then the
// test cannot run as another user, and vitest reports it skipped
const runnable = !asRoot || runAs(['--version'], '/').code === 0

describe('a workspace this user may not write', () => {
  it.runIf(runnable)('is refused with what to do, and stays as it was', () => {
    const dir = tempDir('loyals-ro-')
    chmodSync(dir, 0o755)
    const csv = join(dir, 'orders.csv')
    writeFileSync(csv, 'customer_id,ordered_at,amount\nc1,2024-01-02,10\nc2,2024-01-03,20\n')
    const db = join(dir, 'w.duckdb')
    expect(runCli(['import', csv, '--db', db]).code).toBe(0)
    chmodSync(csv, 0o644)
    chmodSync(db, asRoot ? 0o644 : 0o444)
    if (!asRoot) chmodSync(dir, 0o555)
    const before = readFileSync(db)
    for (const args of [
      ['import', csv, '--db', db],
      ['analyze', db, '--out', join(dir, 'out')],
    ]) {
      const r = runAs(args, dir)
      expect(r.code, args[0]).toBe(2)
      expect(r.stderr, args[0]).toContain(
        `error: the workspace ${db} cannot be opened for writing: permission denied`,
      )
      expect(r.stderr, args[0]).not.toMatch(/query failed|IO Error/)
    }
    expect(readFileSync(db).equals(before)).toBe(true)
    chmodSync(dir, 0o755)
  })
})
