// The lock `loyals serve` leaves beside a DuckDB workspace names its process by pid and start: a
// killed server's lock whose pid now names another live process (pid 1 of a restarted container,
// or any process started since) no longer keeps the CLI, or the server itself, off the workspace.
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { processStart } from '../../src/data/process-alive.ts'
import { readServeLock, serveLockPath } from '../../src/data/workspace.ts'
import { tempDir } from '../helpers/cli.ts'

describe('the serve lock', () => {
  const other = spawn('sleep', ['60'], { stdio: 'ignore' })
  afterAll(() => {
    other.kill('SIGKILL')
  })
  const db = join(tempDir(), 'w.duckdb')
  const lock = (fields: Record<string, unknown>) =>
    writeFileSync(
      serveLockPath(db),
      JSON.stringify({
        port: 1,
        url: 'http://127.0.0.1:1',
        startedAt: '2026-01-01T00:00:00Z',
        ...fields,
      }),
    )

  it('names the process by its start: the same pid started later is another process', () => {
    const pid = other.pid!
    const start = processStart(pid)
    expect(start).toMatch(/^\d+$/)
    lock({ pid, procStart: start })
    expect(readServeLock(db)?.pid).toBe(pid)
    lock({ pid, procStart: String(Number(start) + 1) })
    expect(readServeLock(db)).toBeNull()
    // a lock written before the start was recorded keeps the pid check alone
    lock({ pid })
    expect(readServeLock(db)?.pid).toBe(pid)
  })

  it('a killed server not yet reaped (a zombie) holds nothing', async () => {
    // a child of `sleep 60` that exits: nothing ever waits for it, so it stays a zombie
    const parent = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 60'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    try {
      const pid = await new Promise<number>((resolve) =>
        parent.stdout.once('data', (d) => resolve(Number(String(d).trim()))),
      )
      lock({ pid, procStart: processStart(pid) })
      expect(readServeLock(db)?.pid).toBe(pid)
      // its exit, polled for (a busy machine runs the 0.1 s sleep late)
      const zombie = () => /\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
      for (let i = 0; i < 100 && !zombie(); i++) await new Promise((r) => setTimeout(r, 50))
      expect(zombie()).toBe(true)
      // signal 0 still finds it (the lock was taken as live until its parent reaped it)
      expect(() => process.kill(pid, 0)).not.toThrow()
      expect(readServeLock(db)).toBeNull()
    } finally {
      parent.kill('SIGKILL')
    }
  })

  it("is never this process's own: a server restarted with its old pid is not served by itself", () => {
    lock({ pid: process.pid, procStart: processStart(process.pid) })
    expect(readServeLock(db)).toBeNull()
  })
})
